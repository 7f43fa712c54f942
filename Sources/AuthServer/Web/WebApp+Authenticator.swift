import Hummingbird
import HummingbirdAuth
import Logging
import VerifyWire

/// Adding an authenticator app (its QR code and secret, then a first code) and removing it with
/// a fresh code from a factor the account has; the recovery-code pages; the SMS code a proof form
/// can ask for.
extension WebApp {
    func addAuthenticatorRoutes(to pages: RouterGroup<AuthRequestContext>) {
        pages.get("/profile/2fa/totp") { _, context in
            let account = try signedIn(context)
            if account.totpFactorSid != nil { return redirect("/profile") }
            if let confirm = confirmationFirst(context, account, for: .addAuthenticatorApp) { return confirm }
            return try await authenticatorPage(context, account)
        }
        pages.post("/profile/2fa/totp/start") { request, context in
            let account = try signedIn(context)
            return try await submit(context, then: "/profile/2fa/totp") {
                let enrolment = try await service.startTOTPEnrolment(
                    account, proof: recentProof(context), ip: ip(request, context))
                keep(
                    context, \.pendingTOTP,
                    PendingTOTP(factorSid: enrolment.factorSid, secret: enrolment.secret, uri: enrolment.uri))
            } otherwise: {
                try await authenticatorPage(context, account, errors: $0)
            }
        }
        pages.post("/profile/2fa/totp/confirm") { request, context in
            let account = try signedIn(context)
            var codes: [String]?
            return try await submit(context, then: "/profile", flash: "The authenticator app is on") {
                codes = try await service.confirmTOTPEnrolment(
                    account, code: context.form["code"] ?? "", ip: ip(request, context))
                keep(context, \.pendingTOTP, nil)
                if let codes { keep(context, \.recoveryCodes, codes) }
            } otherwise: {
                try await authenticatorPage(context, account, errors: $0)
            }
            .redirectingToRecoveryCodes(codes != nil)
        }
        pages.get("/profile/2fa/totp/remove") { request, context in
            let account = try signedIn(context)
            if account.totpFactorSid == nil { return redirect("/profile") }
            return try await proofPage(
                "2fa-totp-remove", context, account,
                method: request.uri.queryParameters["method"].map(String.init) ?? "totp")
        }
        pages.post("/profile/2fa/totp/remove") { request, context in
            let account = try signedIn(context)
            let method = context.form["method"] ?? "totp"
            return try await submit(context, then: "/profile", flash: "The authenticator app is removed") {
                try await service.removeTOTP(
                    account, proof: .code(try service.requireMethod(account, method), context.form["code"] ?? ""),
                    ip: ip(request, context))
            } otherwise: {
                try await proofPage("2fa-totp-remove", context, account, method: method, errors: $0)
            }
        }
        pages.get("/profile/recovery-codes") { request, context in
            let account = try signedIn(context)
            if let codes = context.sessions.session?.recoveryCodes {
                // shown this once: a reload or the back button finds them gone
                keep(context, \.recoveryCodes, nil)
                return try await render("recovery-codes", context, ["codes": codes, "fresh": true])
            }
            if !account.twoFactorEnabled { return redirect("/profile") }
            return try await proofPage(
                "recovery-codes", context, account,
                method: request.uri.queryParameters["method"].map(String.init) ?? account.secondFactors.first?.rawValue
                    ?? "totp")
        }
        pages.post("/profile/recovery-codes") { request, context in
            let account = try signedIn(context)
            let method = context.form["method"] ?? ""
            return try await submit(context, then: "/profile/recovery-codes") {
                let proof = IdentityProof.code(try service.requireMethod(account, method), context.form["code"] ?? "")
                keep(
                    context, \.recoveryCodes,
                    try await service.regenerateRecoveryCodes(account, proof: proof, ip: ip(request, context)))
            } otherwise: {
                try await proofPage("recovery-codes", context, account, method: method, errors: $0)
            }
        }
        // the SMS code a proof form asks for, back to the form it came from
        pages.post("/profile/2fa/sms-code") { request, context in
            let account = try signedIn(context)
            let back = Self.proofPages.first { $0 == context.form["return_to"] } ?? "/profile"
            guard let phone = account.phone else { return redirect(back) }
            return try await submit(
                context, then: back + "?method=sms", flash: "We sent a code to \(account.maskedPhone ?? "your phone")"
            ) {
                try await service.sendCode(to: phone, for: account, ip: ip(request, context))
            } otherwise: {
                try await proofPage(
                    Self.proofTemplate(back), context, account,
                    method: "sms", errors: $0)
            }
        }
    }

    /// The pages whose proof form may ask for an SMS code.
    static let proofPages = ["/profile/2fa/totp/remove", "/profile/2fa/push/remove", "/profile/recovery-codes"]

    /// The set-up page: a button to start, or, once started, the QR code, the secret to type in
    /// and the field for the first code.
    func authenticatorPage(
        _ context: AuthRequestContext, _ account: UserAccount, errors: FormErrors? = nil
    ) async throws -> Response {
        var data: [String: Any] = ["fields": [codeField(errors)]]
        if let pending = context.sessions.session?.pendingTOTP, pending.factorSid == account.pendingTOTPSid {
            data["pending"] = true
            data["qr"] = try QRCode.svg(pending.uri, label: "QR code to scan with your authenticator app")
            data["secret"] = Self.grouped(pending.secret)
            data["rawSecret"] = pending.secret
        }
        return try await render("2fa-totp", context, data, errors: errors)
    }

    /// A page whose form proves the user holds a factor: the methods to choose from (the
    /// account's factors and recovery codes), the code field, and an SMS code button.
    func proofPage(
        _ template: String, _ context: AuthRequestContext, _ account: UserAccount, method: String,
        errors: FormErrors? = nil
    ) async throws -> Response {
        let choices = account.secondFactors.filter { $0 != .push }.map(SecondFactorProof.factor) + [.recovery]
        let chosen = choices.first { $0.method == method } ?? choices[0]
        return try await render(
            template, context,
            [
                "methods": choices.map { proof in
                    ["method": proof.method, "title": Self.proofTitle(proof), "checked": proof == chosen]
                },
                // one field for every method: the radio button says which code it is
                "fields": [
                    field(
                        "code", "Code", errors, autocomplete: "one-time-code",
                        extra: #"maxlength="20" autocapitalize="none" spellcheck="false""#)
                ],
                "smsOn": account.phone != nil, "phone": account.maskedPhone ?? "",
                "path": Self.proofPages.first { Self.proofTemplate($0) == template } ?? "/profile",
            ],
            errors: errors)
    }

    static func proofTemplate(_ path: String) -> String {
        switch path {
        case "/profile/recovery-codes": "recovery-codes"
        case "/profile/2fa/push/remove": "2fa-push-remove"
        default: "2fa-totp-remove"
        }
    }

    static func proofTitle(_ proof: SecondFactorProof) -> String {
        switch proof {
        case .factor(.totp): "Code from the authenticator app"
        case .factor(.sms): "Code by text message"
        case .factor(.push): "Approval on your phone"
        case .recovery: "A recovery code"
        }
    }

    /// A base32 secret in groups of four, as people copy it.
    static func grouped(_ secret: String) -> String {
        var groups: [Substring] = []
        var rest = Substring(secret)
        while !rest.isEmpty {
            groups.append(rest.prefix(4))
            rest = rest.dropFirst(4)
        }
        return groups.joined(separator: " ")
    }
}

extension Response {
    /// After a factor change that issued recovery codes, the next page shows them (once).
    func redirectingToRecoveryCodes(_ issued: Bool) -> Response {
        guard issued, status == .seeOther else { return self }
        var response = self
        response.headers[.location] = "/profile/recovery-codes"
        return response
    }
}
