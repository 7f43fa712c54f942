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

    /// `signedIn` is the group behind ``BearerAuthenticator`` admitting phone and account tokens.
    func addRoutes(to router: Router<AuthRequestContext>, signedIn: RouterGroup<AuthRequestContext>) {
        router.post("/api/auth/send-verification", use: sendVerification)
        router.post("/api/auth/verify-code", use: verifyCode)
        signedIn.get("/api/auth/protected", use: protected)
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
        let ip = context.clientIP(request, trustedProxies: trustedProxies)
        if limits.sms.settings.reviewNumbers.contains(phone) {
            try AbuseLimits.refuse(try await limits.sendUnpaid(to: phone, ip: ip, now: now()))
            return try JSONResponse.make(CodeSent(message: "Verification code sent successfully"))
        }
        try await APIError.refuse { try limits.sms.checkCountry(phone) }
        try AbuseLimits.refuse(try await limits.send(to: phone, ip: ip, now: now()))
        try await APIError.refuse { try await limits.sms.count(phone, now: now()) }
        var options = VerifyClient.StartOptions()
        if let key = twilioRateLimitKey { options.rateLimits = [key: ip] }
        do {
            _ = try await verify.startVerification(serviceSid: serviceSid, to: phone, channel: .sms, options: options)
        } catch let error as VerifyClientError {
            throw verifyFailure(error, during: "send", logger: logger)
        }
        return try JSONResponse.make(CodeSent(message: "Verification code sent successfully"))
    }

    @Sendable func verifyCode(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await JSONRequest.decode(VerifyRequest.self, from: request)
        let phone = try normalize(body.phoneNumber)
        return try await metrics.observeLogin(.sms, result: { $0.status == .ok ? .success : .failure }) {
            try await checkCode(body.code, phone: phone, request: request, context: context)
        }
    }

    /// A login by the code Verify sent to `phone`: the tokens, or the 400 of a wrong code.
    private func checkCode(
        _ code: String, phone: String, request: Request, context: AuthRequestContext
    ) async throws -> Response {
        try AbuseLimits.refuse(
            try await limits.verify(
                phone, ip: context.clientIP(request, trustedProxies: trustedProxies), now: now()))
        let code = code.trimmingWhitespace()
        guard (4...10).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw APIError.badRequest("The code is 4 to 10 letters or digits")
        }
        if let accepted = limits.sms.settings.reviewNumbers.accepts(String(code), for: phone) {
            guard accepted else { return try JSONResponse.make(CodeRefused(status: .pending), status: .badRequest) }
            return try await issuer.startLogin(
                .phoneNumber(phone), message: "Verification successful", client: client(request, context))
        }
        let check: VerificationCheckResource
        do {
            check = try await verify.checkVerification(serviceSid: serviceSid, to: phone, code: String(code))
        } catch let error as VerifyClientError {
            throw verifyFailure(error, during: "check", logger: logger)
        }
        guard check.status == .approved, check.valid else {
            return try JSONResponse.make(CodeRefused(status: check.status), status: .badRequest)
        }
        await limits.sms.verified(phone, now: now())
        return try await issuer.startLogin(
            .phoneNumber(phone), message: "Verification successful", client: client(request, context))
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
