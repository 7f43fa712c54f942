import Hummingbird
import HummingbirdAuth
import Logging
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The pages' sudo mode: before a change that adds a way into the account (an authenticator
/// app, SMS, push approval, a passkey) or removes a passkey, the browser confirms the password on
/// `/profile/confirm`; for ``AccountService/freshProofWindow`` after that, this session may make
/// such changes. A signed-in session alone (a stolen cookie) cannot.
extension WebApp {
    func addConfirmRoutes(to pages: RouterGroup<AuthRequestContext>) {
        pages.get("/profile/confirm") { request, context in
            _ = try signedIn(context)
            return try await confirmPage(context, next: Self.confirmedPage(request.uri.queryParameters["next"]))
        }
        pages.post("/profile/confirm") { request, context in
            let account = try signedIn(context)
            let next = Self.confirmedPage(context.form["next"].map { Substring($0) })
            return try await submit(context, then: next) {
                try await service.checkPassword(
                    account, context.form["current_password"] ?? "", ip: ip(request, context))
                keep(context, \.provedAt, service.now().timeIntervalSince1970)
                logger.info("account \(account.sid) confirmed its password for sensitive changes")
            } otherwise: {
                try await confirmPage(context, next: next, errors: $0)
            }
        }
    }

    /// This browser's proof, when it confirmed on the confirmation page (checked for freshness
    /// by ``AccountService/authorize(_:_:proof:ip:)``).
    func recentProof(_ context: AuthRequestContext) -> IdentityProof? {
        context.sessions.session?.provedAt.map { .recent(epochSeconds: $0) }
    }

    /// The redirect to the confirmation page when this browser has no fresh proof for `change`,
    /// so the page of a change asks first, before the user fills it in.
    func confirmationFirst(
        _ context: AuthRequestContext, _ account: UserAccount, for change: SensitiveChange
    )
        -> Response?
    {
        if service.isFresh(provedAt: context.sessions.session?.provedAt, account) { return nil }
        return redirect(Self.confirmationLocation(for: change))
    }

    /// The pages a confirmation returns to: each change's own page. `next` is one of these or
    /// the profile, never an address from the request (no open redirect).
    static let changePages = ["/profile", "/profile/2fa/totp", "/profile/2fa/enable", "/profile/2fa/push"]

    static func confirmedPage(_ next: Substring?) -> String {
        changePages.first { $0[...] == next } ?? "/profile"
    }

    static func confirmationLocation(for change: SensitiveChange) -> String {
        let page =
            switch change {
            case .addAuthenticatorApp: "/profile/2fa/totp"
            case .addSMSFactor: "/profile/2fa/enable"
            case .addPushFactor: "/profile/2fa/push"
            default: "/profile"
            }
        return "/profile/confirm?next=" + page
    }

    func confirmPage(_ context: AuthRequestContext, next: String, errors: FormErrors? = nil) async throws -> Response {
        try await render(
            "confirm", context,
            [
                "next": next,
                "fields": [
                    field(
                        "current_password", "Password", type: "password", errors,
                        autocomplete: "current-password", extra: "autofocus")
                ],
            ], errors: errors)
    }
}
