import Hummingbird
import JWTKit
import Logging
import VerifyClient
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The SMS-code login API, a superset of the contract existing clients use:
/// `POST /api/auth/send-verification`, `POST /api/auth/verify-code`, `GET /api/auth/protected`.
struct SMSLoginController: Sendable {
    let verify: VerifyClient
    let serviceSid: String
    let issuer: TokenIssuer
    let limits: AbuseLimits
    /// How many proxies in front append to `X-Forwarded-For` (0: use the peer address).
    let trustedProxies: Int
    /// When set, the client IP is passed to Twilio Verify as this `RateLimits` key.
    let twilioRateLimitKey: String?
    let metrics: AuthMetrics
    let logger: Logger

    var now: @Sendable () -> Date { issuer.tokens.now }
    var audit: AuditLog { issuer.audit }
    var phoneLogin: PhoneLogin {
        PhoneLogin(
            verify: verify, serviceSid: serviceSid, limits: limits, twilioRateLimitKey: twilioRateLimitKey,
            audit: audit, logger: logger, now: now)
    }

    /// `signedIn` is the group behind ``BearerAuthenticator`` admitting phone and account tokens.
    func addRoutes(to router: Router<AuthRequestContext>, signedIn: RouterGroup<AuthRequestContext>) {
        router.post("/api/auth/send-verification", use: sendVerification)
        router.post("/api/auth/verify-code", use: verifyCode)
        signedIn.get("/api/auth/protected", use: protected)
        signedIn.delete("/api/auth/me", use: deleteMe)
    }

    struct SendRequest: Decodable {
        var phoneNumber: String
        enum CodingKeys: String, CodingKey { case phoneNumber = "phone_number" }
    }

    struct VerifyRequest: Decodable {
        var phoneNumber: String
        var code: String
        enum CodingKeys: String, CodingKey {
            case code
            case phoneNumber = "phone_number"
        }
    }

    @Sendable func sendVerification(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await JSONRequest.decode(SendRequest.self, from: request)
        let phone = try normalize(body.phoneNumber)
        do {
            try await phoneLogin.sendCode(to: phone, ip: context.clientIP(request, trustedProxies: trustedProxies))
        } catch let refusal as SMSRefusal {
            throw APIError(refusal)
        }
        return try JSONResponse.make(CodeSent(message: "Verification code sent successfully"))
    }

    @Sendable func verifyCode(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await JSONRequest.decode(VerifyRequest.self, from: request)
        let phone = try normalize(body.phoneNumber)
        return try await audit.observeLogin(
            .sms, subject: phone, successRecorded: true, result: { $0.status == .ok ? .success : .failure }
        ) {
            try await checkCode(body.code, phone: phone, request: request, context: context)
        }
    }

    /// A login by the code Verify sent to `phone`: the tokens, or the 400 of a wrong code.
    private func checkCode(
        _ code: String, phone: String, request: Request, context: AuthRequestContext
    ) async throws -> Response {
        let status = try await codeStatus(
            code, phone: phone, ip: context.clientIP(request, trustedProxies: trustedProxies))
        guard status == .approved else {
            return try JSONResponse.make(CodeRefused(status: status), status: .badRequest)
        }
        return try await issuer.startLogin(
            .phoneNumber(phone), message: "Verification successful", client: client(request, context),
            recording: AuditLog.loginSucceeded(.sms, subject: phone))
    }

    private func codeStatus(_ code: String, phone: String, ip: String) async throws -> VerificationStatus {
        try await phoneLogin.codeStatus(code, phone: phone, ip: ip)
    }

    /// `DELETE /api/auth/me {"code"}`: a phone login deletes itself, after a new code (sent by
    /// `POST /api/auth/send-verification`) proves the number is still theirs. Every session of
    /// the number ends at once, on every replica; its device records go.
    @Sendable func deleteMe(_ request: Request, context: AuthRequestContext) async throws -> Response {
        guard case .phoneNumber(let phone) = TokenSubject(try context.requireBearer().sub.value) else {
            throw APIError(
                status: .forbidden, message: "This token belongs to an account: delete it with DELETE /api/accounts/me")
        }
        let body = try await JSONRequest.optionalFields(request, example: #"{"code": "123456"}"#)
        guard let code = body?["code"] else {
            throw FormErrors(
                fields: ["code": "Send a new code with POST /api/auth/send-verification, then send it here as code"],
                message: "Deleting needs a fresh proof that the number is yours", status: .forbidden)
        }
        let status = try await codeStatus(
            code, phone: phone, ip: context.clientIP(request, trustedProxies: trustedProxies))
        guard status == .approved else {
            return try JSONResponse.make(CodeRefused(status: status), status: .badRequest)
        }
        try await issuer.refreshTokens.deleteSubject(phone, now: now())
        await audit.record(AuditEvent(.accountDeleted, subject: phone))
        logger.notice("phone login deleted itself")
        return try JSONResponse.make(MessageBody("Your sign-in by phone is deleted"))
    }

    @Sendable func protected(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let route =
            switch TokenSubject(try context.requireBearer().sub.value) {
            case .phoneNumber(let phone): ProtectedRoute(phoneNumber: phone)
            case .account(let sid): ProtectedRoute(accountSid: sid, username: try context.requireAccount().username)
            }
        return JSONResponse.make(bytes: route.json)
    }

    private func client(_ request: Request, _ context: AuthRequestContext) -> SessionClient {
        SessionClient(
            ip: context.clientIP(request, trustedProxies: trustedProxies), userAgent: request.headers[.userAgent])
    }

    private func normalize(_ phone: String) throws -> String {
        do {
            return try PhoneNumber.normalize(phone)
        } catch {
            throw APIError.badRequest("Invalid phone number: \(error.description)")
        }
    }
}
