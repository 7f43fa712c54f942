import Hummingbird
import HummingbirdAuth
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// "Sign in with your phone": a number, then the code sent to it, through the same gate,
/// limits and audit as the JSON API's SMS login (``PhoneLogin``). The session it signs in has
/// no account: it is the number's, as an SMS login's tokens are.
extension WebApp {
    func addPhoneLoginRoutes(to pages: RouterGroup<AuthRequestContext>) {
        pages.get("/login/phone") { _, context in try await phonePage(context) }
        pages.post("/login/phone") { request, context in
            let typed = context.form["phone_number"] ?? ""
            let phone: String
            do {
                phone = try PhoneNumber.normalize(typed)
            } catch {
                return try await phonePage(
                    context, typed: typed,
                    errors: FormErrors(fields: [
                        "phone_number": "Enter the number with its country code, like +14155550100"
                    ]))
            }
            do {
                try await phoneLogin.sendCode(to: phone, ip: ip(request, context))
            } catch let refusal as SMSRefusal {
                return try await phonePage(context, typed: typed, errors: FormErrors(refusal))
            } catch let error as APIError {
                return try await phonePage(
                    context, typed: typed, errors: FormErrors(message: error.message, status: error.status))
            }
            keep(context, \.pendingPhone, phone)
            keep(context, \.pendingSince, service.now().timeIntervalSince1970)
            return redirect("/login/phone/verify")
        }
        pages.get("/login/phone/verify") { _, context in
            guard let phone = pendingPhone(context) else { return redirect("/login/phone") }
            return try await phoneCodePage(context, phone: phone)
        }
        pages.post("/login/phone/verify") { request, context in
            guard let phone = pendingPhone(context) else { return redirect("/login/phone") }
            do {
                try await service.audit.observeLogin(.sms, subject: phone) {
                    let status: VerificationStatus
                    do {
                        status = try await phoneLogin.codeStatus(
                            context.form["code"] ?? "", phone: phone, ip: ip(request, context))
                    } catch let error as APIError {
                        throw FormErrors(fields: ["code": error.message], status: error.status)
                    }
                    guard status == .approved else {
                        throw FormErrors(fields: ["code": "That code is not right; check the latest text message"])
                    }
                }
            } catch let errors as FormErrors {
                return try await phoneCodePage(context, phone: phone, errors: errors)
            }
            var session = WebSession.fresh(flash: nil)
            session.phoneNumber = phone
            session.signedInAt = service.now().timeIntervalSince1970
            session.methods = ["sms"]
            try await rotate(request, context, to: session)
            return try await afterSignIn(context)
        }
    }

    /// The number a code went to, for ``pendingLifetime`` after it was sent.
    func pendingPhone(_ context: AuthRequestContext) -> String? {
        guard let session = context.sessions.session, let phone = session.pendingPhone,
            let since = session.pendingSince,
            service.now().timeIntervalSince1970 - since < Self.pendingLifetime
        else { return nil }
        return phone
    }

    func phonePage(
        _ context: AuthRequestContext, typed: String = "", errors: FormErrors? = nil
    ) async throws -> Response {
        try await render(
            "login-phone", context,
            [
                "fields": [
                    field(
                        "phone_number", "Phone number", type: "tel", value: typed, errors, autocomplete: "tel",
                        extra: #"inputmode="tel" placeholder="+14155550100" autofocus"#)
                ]
            ], errors: errors)
    }

    func phoneCodePage(_ context: AuthRequestContext, phone: String, errors: FormErrors? = nil) async throws -> Response
    {
        try await render(
            "login-phone-verify", context, ["phone": phone, "fields": [codeField(errors)]], errors: errors)
    }
}
