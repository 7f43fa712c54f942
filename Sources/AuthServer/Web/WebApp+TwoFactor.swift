import Hummingbird
import HummingbirdAuth
import Logging
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turning SMS two-factor on (number, then its code) and off (a fresh code to the number).
extension WebApp {
    func addTwoFactorRoutes(to pages: RouterGroup<AuthRequestContext>) {
        pages.get("/profile/2fa/enable") { _, context in
            let account = try signedIn(context)
            if account.phone != nil { return redirect("/profile") }
            if let confirm = confirmationFirst(context, account, for: .addSMSFactor) { return confirm }
            return try await enablePage(context, account)
        }
        pages.post("/profile/2fa/enable") { request, context in
            let account = try signedIn(context)
            let phone = context.form["phone_number"] ?? ""
            return try await submit(context, then: "/profile/2fa/enable") {
                _ = try await service.startEnablingTwoFactor(
                    account, phone: phone, proof: recentProof(context), ip: ip(request, context))
            } otherwise: {
                try await enablePage(context, account, phone: phone, errors: $0)
            }
        }
        pages.post("/profile/2fa/enable/resend") { request, context in
            let account = try signedIn(context)
            guard let phone = account.pendingPhone else { return redirect("/profile/2fa/enable") }
            return try await submit(context, then: "/profile/2fa/enable", flash: "We sent a new code") {
                try await service.sendCode(to: phone, for: account, ip: ip(request, context))
            } otherwise: {
                try await enablePage(context, account, errors: $0)
            }
        }
        pages.post("/profile/2fa/enable/confirm") { request, context in
            let account = try signedIn(context)
            var codes: [String]?
            return try await submit(context, then: "/profile", flash: "Two-factor authentication is on") {
                codes = try await service.confirmEnablingTwoFactor(
                    account, code: context.form["code"] ?? "", ip: ip(request, context))
                if let codes { keep(context, \.recoveryCodes, codes) }
            } otherwise: {
                try await enablePage(context, account, errors: $0, codeStep: true)
            }
            .redirectingToRecoveryCodes(codes != nil)
        }
        pages.get("/profile/2fa/disable") { request, context in
            let account = try signedIn(context)
            if account.phone == nil { return redirect("/profile") }
            return try await disablePage(
                context, account, sent: request.uri.queryParameters["sent"] == "1")
        }
        pages.post("/profile/2fa/disable/send") { request, context in
            let account = try signedIn(context)
            return try await submit(context, then: "/profile/2fa/disable?sent=1") {
                try await service.startDisablingTwoFactor(account, ip: ip(request, context))
            } otherwise: {
                try await disablePage(context, account, sent: false, errors: $0)
            }
        }
        pages.post("/profile/2fa/disable") { request, context in
            let account = try signedIn(context)
            return try await submit(context, then: "/profile", flash: "Two-factor authentication is off") {
                try await service.confirmDisablingTwoFactor(
                    account, code: context.form["code"] ?? "", ip: ip(request, context))
            } otherwise: {
                try await disablePage(context, account, sent: true, errors: $0)
            }
        }
    }

    func enablePage(
        _ context: AuthRequestContext, _ account: UserAccount, phone: String? = nil, errors: FormErrors? = nil,
        codeStep: Bool = false
    ) async throws -> Response {
        // errors go with the form that was posted: the code form, or the phone form
        let codeErrors = codeStep ? errors : nil
        let phoneErrors = codeStep ? nil : errors
        var data: [String: Any] = [
            "phoneFields": [
                field(
                    "phone_number", "Mobile number", type: "tel", value: phone ?? "", phoneErrors, autocomplete: "tel",
                    extra: #"placeholder="+14155550100""#)
            ],
            "codeFields": [codeField(codeErrors)],
        ]
        if let pending = account.pendingPhone { data["pendingPhone"] = pending }
        return try await render("2fa-enable", context, data, errors: errors)
    }

    func disablePage(
        _ context: AuthRequestContext, _ account: UserAccount, sent: Bool, errors: FormErrors? = nil
    ) async throws -> Response {
        try await render(
            "2fa-disable", context,
            [
                "phone": account.maskedPhone ?? "", "sent": sent || errors?.fields["code"] != nil,
                "fields": [codeField(errors)],
            ],
            errors: errors)
    }
}
