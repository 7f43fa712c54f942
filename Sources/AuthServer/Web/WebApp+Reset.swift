import Hummingbird
import HummingbirdAuth
import Logging
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Password reset by a code sent to the account's email.
extension WebApp {
    func addResetRoutes(to pages: RouterGroup<AuthRequestContext>) {
        pages.get("/reset") { _, context in try await resetPage(context) }
        pages.post("/reset") { request, context in
            let email = context.form["email"] ?? ""
            return try await submit(context, then: "/reset/confirm") {
                let sentTo = try await service.requestPasswordReset(email: email, ip: ip(request, context))
                keep(context, \.resetEmail, sentTo)
            } otherwise: {
                try await resetPage(context, email: email, errors: $0)
            }
        }
        pages.get("/reset/confirm") { _, context in
            guard let email = context.sessions.session?.resetEmail else { return redirect("/reset") }
            return try await resetConfirmPage(context, email: email)
        }
        pages.post("/reset/confirm") { request, context in
            guard let email = context.sessions.session?.resetEmail else { return redirect("/reset") }
            do {
                try await service.completePasswordReset(
                    email: email, code: context.form["code"] ?? "", password: context.form["password"] ?? "",
                    confirmation: context.form["password_confirmation"] ?? "", ip: ip(request, context))
            } catch let errors as FormErrors {
                return try await resetConfirmPage(context, email: email, errors: errors)
            }
            try await rotate(
                request, context,
                to: WebSession.fresh(flash: "Your password is changed. Log in with your new password."))
            return redirect("/login")
        }
    }

    func resetPage(
        _ context: AuthRequestContext, email: String = "", errors: FormErrors? = nil
    )
        async throws -> Response
    {
        try await render(
            "reset", context,
            ["fields": [field("email", "Email", type: "email", value: email, errors, autocomplete: "email")]],
            errors: errors)
    }

    func resetConfirmPage(
        _ context: AuthRequestContext, email: String, errors: FormErrors? = nil
    )
        async throws -> Response
    {
        try await render(
            "reset-confirm", context,
            [
                "email": email,
                "fields": [
                    field("code", "Code from the email", errors, autocomplete: "one-time-code")
                ] + newPasswordFields(errors, label: "New password"),
            ], errors: errors)
    }
}
