import Hummingbird
import HummingbirdAuth
import Logging
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Register, log in (with the second step when a factor is on), log out.
extension WebApp {
    func addLoginRoutes(to pages: RouterGroup<AuthRequestContext>) {
        pages.get("/register") { _, context in try await registerPage(context) }
        pages.post("/register", use: register)
        pages.get("/login") { _, context in
            // signed in already, unless an application asked for a new sign-in
            if context.account != nil, context.sessions.session?.authorization?.needsFreshSignIn != true {
                return redirect("/profile")
            }
            return try await loginPage(context)
        }
        pages.post("/login", use: login)
        pages.get("/login/verify") { request, context in
            guard let pending = try await pendingAccount(context) else { return redirect("/login") }
            return try await loginVerifyPage(
                context, pending, method: request.uri.queryParameters["method"].map(String.init))
        }
        pages.post("/login/verify", use: loginVerify)
        pages.post("/login/verify/resend") { request, context in
            guard let pending = try await pendingAccount(context), let phone = pending.phone else {
                return redirect("/login")
            }
            let sent = context.sessions.session?.pendingSMSSent == true
            return try await submit(
                context, then: "/login/verify?method=sms",
                flash: "We sent \(sent ? "a new" : "a") code to \(pending.maskedPhone ?? "your phone")"
            ) {
                try await service.sendCode(to: phone, for: pending, ip: ip(request, context))
                keep(context, \.pendingSMSSent, true)
                keep(context, \.pendingMethod, SecondFactor.sms.rawValue)
            } otherwise: {
                try await loginVerifyPage(context, pending, method: SecondFactor.sms.rawValue, errors: $0)
            }
        }
        pages.post("/logout") { request, context in
            try await rotate(
                request, context, to: WebSession.fresh(flash: "You are logged out"), keepingAuthorization: false)
            return redirect("/login")
        }
    }

    @Sendable func register(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let form = context.form
        let account: UserAccount
        do {
            account = try await service.register(
                username: form["username"] ?? "", email: form["email"] ?? "", password: form["password"] ?? "",
                confirmation: form["password_confirmation"] ?? "", ip: ip(request, context))
        } catch let errors as FormErrors {
            return try await registerPage(context, errors: errors)
        }
        logger.info("account \(account.sid) registered")
        try await rotate(
            request, context,
            to: signedInSession(
                account, flash: "Welcome, \(account.username)! Your account is ready.", methods: ["pwd"]))
        return try await afterSignIn(context)
    }

    @Sendable func login(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let login = context.form["login"] ?? ""
        let account: UserAccount
        let methods: [SecondFactor]
        do {
            account = try await service.passwordLogin(
                login: login, password: context.form["password"] ?? "", ip: ip(request, context))
            methods = service.methods(account)
            // an SMS goes out by itself only when it is the one way; otherwise when asked for
            if methods == [.sms], let phone = account.phone {
                try await service.sendCode(to: phone, for: account, ip: ip(request, context))
            }
        } catch let errors as FormErrors {
            return try await loginPage(context, login: login, errors: errors)
        }
        guard let first = methods.first else {
            try await rotate(request, context, to: signedInSession(account, flash: nil, methods: ["pwd"]))
            return try await afterSignIn(context)
        }
        // the password is right; the session stays signed out until the second step is accepted
        var session = WebSession.fresh(flash: nil)
        session.pendingAccountID = account.id
        session.pendingSince = service.now().timeIntervalSince1970
        session.pendingMethod = first.rawValue
        session.pendingSMSSent = methods == [.sms]
        if first == .push {
            // approving costs nothing: the request goes out at once (if Verify fails, the page
            // offers to send it again)
            session.pendingPushSid = try? await service.sendPushChallenge(account, ip: ip(request, context))
        }
        try await rotate(request, context, to: session)
        return redirect("/login/verify")
    }

    @Sendable func loginVerify(_ request: Request, context: AuthRequestContext) async throws -> Response {
        guard let pending = try await pendingAccount(context) else { return redirect("/login") }
        let method = context.form["method"] ?? context.sessions.session?.pendingMethod
        let proof: SecondFactorProof
        do {
            proof = try service.requireMethod(pending, method)
            try await service.audit.observeLogin(.init(proof), subject: pending.sid) {
                if proof == .factor(.push) {
                    try await checkPushLogin(context, pending)
                } else {
                    try await service.checkSecondStep(
                        pending, proof: proof, code: context.form["code"] ?? "", ip: ip(request, context))
                }
            }
        } catch let errors as FormErrors {
            return try await loginVerifyPage(context, pending, method: method, errors: errors)
        }
        try await rotate(request, context, to: signedInSession(pending, flash: nil, methods: proof.methodReferences))
        return try await afterSignIn(context)
    }

    func registerPage(_ context: AuthRequestContext, errors: FormErrors? = nil) async throws -> Response {
        let form = context.form
        return try await render(
            "register", context,
            [
                "fields": [
                    field("username", "Username", value: form["username"], errors, autocomplete: "username"),
                    field("email", "Email", type: "email", value: form["email"], errors, autocomplete: "email"),
                ] + newPasswordFields(errors, label: "Password")
            ], errors: errors)
    }

    func loginPage(
        _ context: AuthRequestContext, login: String = "", errors: FormErrors? = nil
    )
        async throws -> Response
    {
        try await render(
            "login", context,
            [
                "passkeys": service.passkeysOn,
                "fields": [
                    field("login", "Username or email", value: login, errors, autocomplete: "username"),
                    field("password", "Password", type: "password", errors, autocomplete: "current-password"),
                ],
            ], errors: errors)
    }

    /// The second step of a login: the form of one method (the authenticator app's code, the SMS
    /// code, once sent, or a recovery code) and links to the account's other methods.
    func loginVerifyPage(
        _ context: AuthRequestContext, _ account: UserAccount, method requested: String?, errors: FormErrors? = nil
    )
        async throws -> Response
    {
        let methods = service.methods(account)
        let proof =
            requested.flatMap(SecondFactorProof.init(method:)).flatMap { proof -> SecondFactorProof? in
                if case .factor(let factor) = proof, !methods.contains(factor) { return nil }
                return proof
            } ?? .factor(methods.first ?? .sms)
        if context.sessions.session?.pendingMethod != proof.method { keep(context, \.pendingMethod, proof.method) }
        let others = (methods.map(SecondFactorProof.factor) + [.recovery]).filter { $0 != proof }
        return try await render(
            "login-verify", context,
            [
                "phone": account.maskedPhone ?? "", "method": proof.method,
                "totp": proof == .factor(.totp), "sms": proof == .factor(.sms), "recovery": proof == .recovery,
                "push": proof == .factor(.push), "pushSent": context.sessions.session?.pendingPushSid != nil,
                "device": account.pushDeviceName ?? "your phone",
                "smsSent": context.sessions.session?.pendingSMSSent == true,
                "fields": [proof == .recovery ? recoveryCodeField(errors) : codeField(errors)],
                "others": others.map { ["method": $0.method, "title": Self.otherWayTitle($0)] },
            ],
            errors: errors)
    }

    static func otherWayTitle(_ proof: SecondFactorProof) -> String {
        switch proof {
        case .factor(.totp): "Use your authenticator app"
        case .factor(.sms): "Get a code by text message"
        case .factor(.push): "Approve on your phone"
        case .recovery: "Use a recovery code"
        }
    }

    /// The account whose password was accepted and that waits for its code (for 10 minutes).
    func pendingAccount(_ context: AuthRequestContext) async throws -> UserAccount? {
        guard let session = context.sessions.session, let id = session.pendingAccountID,
            let since = session.pendingSince, service.now().timeIntervalSince1970 - since < Self.pendingLifetime,
            let account = try await accounts.find(id: id), !account.isDisabled, !service.methods(account).isEmpty,
            // a password change or reset since the password step ends the login in flight
            since >= account.sessionsValidAfter
        else { return nil }
        return account
    }
}
