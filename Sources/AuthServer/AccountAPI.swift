import Hummingbird
import JWTKit
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The accounts as JSON, for apps: the same rules as the pages (``AccountService``) and the
/// same JWT and refresh tokens as the SMS login. A password login answers either tokens or a
/// two-factor challenge that `/api/accounts/login/verify` completes with the SMS code.
///
/// Refusals are `{"message": …, "errors": {field: message}}` with 400, 401 (wrong username or
/// password), 403 (disabled account), 409 (taken username or email) or 429 (with `Retry-After`).
struct AccountAPI: Sendable {
    let api: AuthAPI
    let service: AccountService
    /// How long a two-factor challenge waits for its code.
    static let challengeLifetime: TimeInterval = 600

    var accounts: AccountStore { service.accounts }

    func addRoutes(to router: Router<AuthRequestContext>) {
        router.post("/api/accounts/register", use: register)
        router.post("/api/accounts/login", use: login)
        router.post("/api/accounts/login/verify", use: loginVerify)
        router.post("/api/accounts/login/resend", use: loginResend)
        router.get("/api/accounts/me") { request, _ in
            let account = try await bearerAccount(request)
            return try json(Self.describe(account))
        }
        router.post("/api/accounts/2fa/enable") { request, context in
            let account = try await bearerAccount(request)
            let body = try await fields(request, context, required: ["phone_number"])
            let phone = try await service.startEnablingTwoFactor(
                account, phone: body["phone_number"]!, ip: ip(request, context))
            return try json(["message": "Verification code sent", "status": "pending", "phone_number": phone])
        }
        router.post("/api/accounts/2fa/enable/verify") { request, context in
            let account = try await bearerAccount(request)
            let body = try await fields(request, context, required: ["code"])
            try await service.confirmEnablingTwoFactor(account, code: body["code"]!, ip: ip(request, context))
            return try json(["message": "Two-factor authentication is on", "two_factor_enabled": true])
        }
        router.post("/api/accounts/2fa/disable") { request, context in
            let account = try await bearerAccount(request)
            try await service.startDisablingTwoFactor(account, ip: ip(request, context))
            return try json(["message": "Verification code sent", "status": "pending"])
        }
        router.post("/api/accounts/2fa/disable/verify") { request, context in
            let account = try await bearerAccount(request)
            let body = try await fields(request, context, required: ["code"])
            try await service.confirmDisablingTwoFactor(account, code: body["code"]!, ip: ip(request, context))
            return try json(["message": "Two-factor authentication is off", "two_factor_enabled": false])
        }
        router.post("/api/accounts/password") { request, context in
            let account = try await bearerAccount(request)
            let body = try await fields(request, context, required: ["current_password", "password"])
            try await service.changePassword(
                account, current: body["current_password"]!, new: body["password"]!,
                confirmation: body["password_confirmation"] ?? body["password"]!, keepSession: nil)
            return try json(["message": "Password changed; every session and token was revoked"])
        }
        router.post("/api/accounts/password/reset") { request, context in
            let body = try await fields(request, context, required: ["email"])
            _ = try await service.requestPasswordReset(email: body["email"]!, ip: ip(request, context))
            return try json(["message": "If an account uses this email, a code was sent to it", "status": "pending"])
        }
        router.post("/api/accounts/password/reset/confirm") { request, context in
            let body = try await fields(request, context, required: ["email", "code", "password"])
            try await service.completePasswordReset(
                email: body["email"]!, code: body["code"]!, password: body["password"]!,
                confirmation: body["password_confirmation"] ?? body["password"]!, ip: ip(request, context))
            return try json(["message": "Password changed; every session and token was revoked"])
        }
    }

    @Sendable func register(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await fields(request, context, required: ["username", "email", "password"])
        let account = try await service.register(
            username: body["username"]!, email: body["email"]!, password: body["password"]!,
            confirmation: body["password_confirmation"] ?? body["password"]!)
        return try json(Self.describe(account), status: .created)
    }

    @Sendable func login(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await fields(request, context, required: ["password"])
        guard let login = body["login"] ?? body["username"] ?? body["email"] else {
            throw FormErrors.field("login", "login (a username or email) is required")
        }
        let account = try await service.authenticate(
            login: login, password: body["password"]!, ip: ip(request, context))
        guard let phone = account.phone else { return try await issueTokens(account) }
        try await service.sendCode(to: phone, ip: ip(request, context))
        let challenge = try await accounts.createChallenge(
            accountID: account.id, now: service.now(), lifetime: Self.challengeLifetime)
        var response = try json([
            "message": "Two-factor authentication required; enter the code sent by SMS",
            "two_factor_required": true, "challenge": challenge, "phone_number": account.maskedPhone ?? "",
            "expires_in": Int(Self.challengeLifetime),
        ])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func loginVerify(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await fields(request, context, required: ["challenge", "code"])
        let account = try await challengeAccount(body["challenge"]!)
        try await service.checkCode(to: account.phone!, code: body["code"]!, ip: ip(request, context))
        try await accounts.deleteChallenge(body["challenge"]!)
        return try await issueTokens(account)
    }

    @Sendable func loginResend(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await fields(request, context, required: ["challenge"])
        let account = try await challengeAccount(body["challenge"]!)
        try await service.sendCode(to: account.phone!, ip: ip(request, context))
        return try json(["message": "Verification code sent", "status": "pending"])
    }

    private func challengeAccount(_ challenge: String) async throws -> Account {
        guard let account = try await accounts.challengeAccount(challenge, now: service.now()),
            !account.isDisabled, account.phone != nil
        else {
            throw FormErrors(
                fields: ["challenge": "Unknown or expired challenge; log in again"], status: .unauthorized)
        }
        return account
    }

    private func issueTokens(_ account: Account) async throws -> Response {
        let session = try await api.sessions.startFamily(
            subject: account.sid, now: service.now(), lifetime: api.refreshLifetime)
        return try await api.tokenResponse(
            subject: account.sid, family: session.family, refreshToken: session.token,
            extra: ["message": "Login successful", "authenticated": true, "username": account.username])
    }

    private func bearerAccount(_ request: Request) async throws -> Account {
        let claims = try await api.bearerClaims(request)
        guard Account.isSid(claims.sub.value) else {
            throw APIError(
                status: .forbidden, body: ["message": "This token belongs to a phone login, not an account"])
        }
        return try await api.bearerAccount(claims)
    }

    static func describe(_ account: Account) -> JSONObject {
        var body: JSONObject = [
            "account_sid": account.sid, "username": account.username, "email": account.email,
            "about": account.about, "two_factor_enabled": account.twoFactorEnabled,
        ]
        if let phone = account.maskedPhone { body["phone_number"] = phone }
        return body
    }

    /// The JSON object's string fields; each of `required` must be present.
    private func fields(
        _ request: Request, _ context: AuthRequestContext, required: [String]
    ) async throws
        -> [String: String]
    {
        let example = "{" + required.map { "\"\($0)\": \"…\"" }.joined(separator: ", ") + "}"
        let object = try await api.decode(JSONStrings.self, request, context, example: example).values
        var errors = FormErrors()
        for name in required where object[name] == nil { errors.fields[name] = "\(name) is required" }
        guard errors.fields.isEmpty else { throw errors }
        return object
    }

    private func ip(_ request: Request, _ context: AuthRequestContext) -> String {
        context.clientIP(request, trustProxy: api.trustProxy)
    }
}

/// A JSON object's string members (others are ignored, so a number where a string belongs reads
/// as missing and gets a "required" error rather than a 500).
struct JSONStrings: Decodable {
    var values: [String: String] = [:]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if let value = try? container.decode(String.self, forKey: key) { values[key.stringValue] = value }
        }
    }
}
