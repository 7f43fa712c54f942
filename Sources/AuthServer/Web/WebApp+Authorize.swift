import Hummingbird
import HummingbirdAuth
import Mustache
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// OpenID Connect's browser side: `/oauth/authorize` answers at once with a code when this
/// browser is signed in (single sign-on), or keeps the request in the session and sends the
/// browser to sign in; `/oauth/authorize/continue` resumes it once signed in. A request the
/// pages cannot trust (an unknown client, a redirect URI not registered) is shown as an error
/// page and never redirected.
extension WebApp {
    func addAuthorizeRoutes(to pages: RouterGroup<AuthRequestContext>) {
        guard let provider = openID else { return }
        pages.get("/oauth/authorize") { request, context in
            guard let query = Self.query(request) else {
                return refusedAuthorization("The request's parameters could not be read.")
            }
            var parameters: [String: String] = [:]
            for (name, value) in query.fields {
                // a parameter sent twice (RFC 6749 §3.1): which one counts would be a guess
                guard parameters[name] == nil else {
                    return refusedAuthorization("The request repeats \(name.prefix(50)).")
                }
                parameters[name] = value
            }
            return try await authorize(provider, parameters, request, context, freshSince: nil)
        }
        pages.get(RouterPath(OpenIDController.continuePath)) { request, context in
            // taken once; one left waiting too long is dropped
            let pending = context.sessions.session?.authorization
            if pending != nil { keep(context, \.authorization, nil) }
            guard let pending, pending.isWaiting(at: service.now().timeIntervalSince1970) else {
                return refusedAuthorization(
                    "No application is waiting for this sign-in; start again from the application.")
            }
            return try await authorize(
                provider, pending.parameters, request, context,
                freshSince: pending.needsFreshSignIn ? pending.since : nil)
        }
    }

    /// Answers `parameters`: a code, an error for the client, or a sign-in first. `freshSince`:
    /// only a sign-in from then on answers (a resumed `prompt=login` or `max_age`).
    private func authorize(
        _ provider: OpenIDProvider, _ parameters: [String: String], _ request: Request, _ context: AuthRequestContext,
        freshSince: Double?
    ) async throws -> Response {
        let authorization: AuthorizationRequest
        var client: OAuthClient?
        if let id = parameters["client_id"] { client = try await provider.clients.client(id) }
        switch AuthorizationRequest.parse(parameters, client: client) {
        case .failure(.notRedirectable(let message)):
            return refusedAuthorization(message)
        case .failure(.redirect(let error, let redirectURI, let state)):
            return found(provider.redirect(error, to: redirectURI, state: state))
        case .success(let parsed):
            authorization = parsed
        }
        let signedIn = signedInAs(context)
        if let signedIn, provider.answers(authorization, signedIn: signedIn, freshSince: freshSince) {
            let browser = SessionClient(ip: ip(request, context), userAgent: request.headers[.userAgent])
            return found(try await provider.issueCode(for: authorization, signedIn: signedIn, browser: browser))
        }
        if authorization.noPrompt {
            return found(
                provider.redirect(
                    OAuthError(.loginRequired, "The person must sign in"), to: authorization.redirectURI,
                    state: authorization.state))
        }
        // signed in already, yet not freshly enough: only a new sign-in answers
        let now = service.now().timeIntervalSince1970
        keep(
            context, \.authorization,
            PendingAuthorization(
                parameters: parameters, since: freshSince ?? now,
                needsFreshSignIn: freshSince != nil || signedIn != nil,
                clientName: authorization.client.name))
        return redirect("/login")
    }

    /// A request's query as a form (RFC 6749 Appendix B: `+` is a space, as client libraries
    /// such as Authlib send the scope); nil when it is not valid form encoding.
    static func query(_ request: Request) -> FormData? {
        try? FormData(parsing: request.uri.query ?? "")
    }

    /// Whom this browser's session is signed in as, when, and how.
    func signedInAs(_ context: AuthRequestContext) -> OpenIDProvider.SignedIn? {
        guard let session = context.sessions.session, let at = session.signedInAt else { return nil }
        if let account = context.account {
            return .init(subject: .account(sid: account.sid), authTime: at, methods: session.methods ?? ["pwd"])
        }
        if let phone = session.phoneNumber {
            return .init(subject: .phoneNumber(phone), authTime: at, methods: session.methods ?? ["sms"])
        }
        return nil
    }

    /// A redirect to the application (302: a GET that stays a GET).
    private func found(_ location: String) -> Response {
        Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
    }

    private func refusedAuthorization(_ message: String) -> Response {
        Self.html(
            library.render(["heading": "This sign-in link is not valid", "message": message], withTemplate: "error")
                ?? message,
            status: .badRequest)
    }
}
