import Hummingbird
import Logging
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The accounts as JSON, for apps: the same rules as the pages (``AccountService``) and the
/// same JWT and refresh tokens as the SMS login. A password login answers either tokens or a
/// two-factor challenge that `/api/accounts/login/verify` completes with a code from one of the
/// account's factors (`AccountsController+TwoFactor` turns them on and off).
///
/// Refusals are `{"message": …, "errors": {field: message}}` with 400, 401 (wrong username or
/// password), 403 (disabled account), 409 (taken username or email) or 429 (with `Retry-After`).
struct AccountsController: Sendable {
    let service: AccountService
    let issuer: TokenIssuer
    /// How many proxies in front append to `X-Forwarded-For` (0: use the peer address).
    let trustedProxies: Int
    /// How long a two-factor challenge waits for its code.
    static let challengeLifetime: TimeInterval = 600

    var accounts: AccountStore { service.accounts }

    /// `signedIn` is the group behind ``BearerAuthenticator`` admitting account tokens only.
    func addRoutes(to router: Router<AuthRequestContext>, signedIn: RouterGroup<AuthRequestContext>) {
        router.post("/api/accounts/register", use: register)
        router.post("/api/accounts/login", use: login)
        router.post("/api/accounts/login/verify", use: loginVerify)
        router.post("/api/accounts/login/resend", use: loginResend)
        router.post("/api/accounts/password/reset", use: requestPasswordReset)
        router.post("/api/accounts/password/reset/confirm", use: completePasswordReset)
        signedIn.get("/api/accounts/me") { _, context in
            try JSONResponse.make(AccountDescription(try context.requireAccount()))
        }
        signedIn.delete("/api/accounts/me", use: deleteAccount)
        signedIn.post("/api/accounts/password", use: changePassword)
        addTwoFactorRoutes(signedIn: signedIn)
        addPasskeyRoutes(to: router, signedIn: signedIn)
    }

    // MARK: Registration and login

    @Sendable func register(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await JSONRequest.fields(request, required: ["username", "email", "password"])
        let account = try await service.register(
            username: body["username"]!, email: body["email"]!, password: body["password"]!,
            confirmation: body["password_confirmation"] ?? body["password"]!, ip: ip(request, context))
        return try JSONResponse.make(AccountDescription(account), status: .created)
    }

    @Sendable func login(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await JSONRequest.fields(request, required: ["password"])
        guard let login = body["login"] ?? body["username"] ?? body["email"] else {
            throw FormErrors.field("login", "login (a username or email) is required")
        }
        let account = try await service.passwordLogin(
            login: login, password: body["password"]!, ip: ip(request, context))
        let methods = service.methods(account)
        guard !methods.isEmpty else { return try await startLogin(account, client(request, context)) }
        // an SMS costs money and may be unwanted: it goes out by itself only when it is the one way
        let smsNow = methods == [.sms]
        if smsNow, let phone = account.phone {
            try await service.sendCode(to: phone, for: account, ip: ip(request, context))
        }
        let challenge = try await accounts.createChallenge(
            accountID: account.id, now: service.now(), lifetime: Self.challengeLifetime)
        return try JSONResponse.uncached(
            TwoFactorChallenge(
                message: smsNow
                    ? "Two-factor authentication required; enter the code sent by SMS"
                    : "Two-factor authentication required; choose a method",
                challenge: challenge, methods: methods,
                phoneNumber: methods.contains(.sms) ? account.maskedPhone : nil, smsSent: smsNow,
                pushDevice: methods.contains(.push) ? account.pushDeviceName : nil,
                expiresIn: Int(Self.challengeLifetime)))
    }

    /// Completes a login with `{"challenge", "code", "method"}`; `method` (`totp`, `sms`,
    /// `recovery` or `push`) may be left out when the account has one factor. For `push` there
    /// is no code: the answer is the tokens once the phone approved, 202 `{"status": "pending"}`
    /// while it waits, 403 when denied and 410 when the request expired.
    @Sendable func loginVerify(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await JSONRequest.fields(request, required: ["challenge"])
        let token = body["challenge"]!
        let account = try await challengeAccount(token)
        let proof = try service.requireMethod(account, body["method"])
        return try await service.audit.observeLogin(
            .init(proof), subject: account.sid, result: { $0.status == .accepted ? nil : .success }
        ) {
            try await completeLogin(
                account, proof: proof, challenge: token, body: body, client: client(request, context))
        }
    }

    /// The second step of `account`'s login with `proof`: the tokens, or 202 while a push
    /// approval is pending.
    private func completeLogin(
        _ account: UserAccount, proof: SecondFactorProof, challenge token: String, body: [String: String],
        client: SessionClient
    ) async throws -> Response {
        let ip = client.ip
        if proof == .factor(.push) {
            guard let sid = try await accounts.pushChallenge(token) else {
                throw FormErrors(
                    message: "Nothing was sent to your phone yet: POST /api/accounts/login/resend with method push",
                    status: .conflict)
            }
            let status = try await service.pushStatus(account, challengeSid: sid)
            guard status == .approved else {
                if status == .pending { return try JSONResponse.make(PushPending(), status: .accepted) }
                throw AccountService.pushRefusal(status)
            }
        } else {
            guard let code = body["code"] else { throw FormErrors.field("code", "code is required") }
            try await service.checkSecondStep(account, proof: proof, code: code, ip: ip)
        }
        try await accounts.deleteChallenge(token)
        return try await startLogin(account, client)
    }

    /// Sends a login's prompt (again): `{"challenge", "method": "sms"}` texts the code,
    /// `"method": "push"` asks the phone for approval.
    @Sendable func loginResend(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await JSONRequest.fields(request, required: ["challenge"])
        let token = body["challenge"]!
        let account = try await challengeAccount(token)
        switch try service.requireMethod(account, body["method"] ?? SecondFactor.sms.rawValue) {
        case .factor(.sms):
            guard let phone = account.phone else { throw FormErrors(message: "SMS is not on", status: .conflict) }
            try await service.sendCode(to: phone, for: account, ip: ip(request, context))
            return try JSONResponse.make(CodeSent(message: "Verification code sent", phoneNumber: account.maskedPhone))
        case .factor(.push):
            let sid = try await service.sendPushChallenge(account, ip: ip(request, context))
            try await accounts.setPushChallenge(token, sid: sid)
            return try JSONResponse.make(PushPending(message: "Approval requested on your phone"), status: .accepted)
        case .factor(.totp), .recovery:
            throw FormErrors.field("method", "Only an SMS code or a push approval can be sent; the others need none")
        }
    }

    /// The account a live two-factor challenge belongs to.
    private func challengeAccount(_ challenge: String) async throws -> UserAccount {
        guard let account = try await accounts.challengeAccount(challenge, now: service.now()),
            !account.isDisabled, !service.methods(account).isEmpty
        else {
            throw FormErrors(
                fields: ["challenge": "Unknown or expired challenge; log in again"], status: .unauthorized)
        }
        return account
    }

    private func startLogin(_ account: UserAccount, _ client: SessionClient) async throws -> Response {
        try await issuer.startLogin(
            .account(sid: account.sid), message: "Login successful", username: account.username, client: client)
    }

    // MARK: Passwords

    /// `DELETE /api/accounts/me` with `current_password` (or a factor's `code` and `method`):
    /// the account and everything of it, at once (``AccountService/deleteAccount(_:proof:ip:)``).
    @Sendable func deleteAccount(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let (account, proof) = try await proofOfIdentity(request, context)
        try await service.deleteAccount(account, proof: proof, ip: ip(request, context))
        return try JSONResponse.make(MessageBody("Your account is deleted"))
    }

    @Sendable func changePassword(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let body = try await JSONRequest.fields(request, required: ["current_password", "password"])
        try await service.changePassword(
            account, current: body["current_password"]!, new: body["password"]!,
            confirmation: body["password_confirmation"] ?? body["password"]!, keepSession: nil,
            ip: ip(request, context))
        return try JSONResponse.make(MessageBody("Password changed; every session and token was revoked"))
    }

    @Sendable func requestPasswordReset(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await JSONRequest.fields(request, required: ["email"])
        _ = try await service.requestPasswordReset(email: body["email"]!, ip: ip(request, context))
        return try JSONResponse.make(CodeSent(message: "If an account uses this email, a code was sent to it"))
    }

    @Sendable func completePasswordReset(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await JSONRequest.fields(request, required: ["email", "code", "password"])
        try await service.completePasswordReset(
            email: body["email"]!, code: body["code"]!, password: body["password"]!,
            confirmation: body["password_confirmation"] ?? body["password"]!, ip: ip(request, context))
        return try JSONResponse.make(MessageBody("Password changed; every session and token was revoked"))
    }

    /// Where a login came from, for its session.
    func client(_ request: Request, _ context: AuthRequestContext) -> SessionClient {
        SessionClient(ip: ip(request, context), userAgent: request.headers[.userAgent])
    }

    func ip(_ request: Request, _ context: AuthRequestContext) -> String {
        context.clientIP(request, trustedProxies: trustedProxies)
    }
}
