import Hummingbird
import JWTKit
import Logging
import Mustache
import NIOCore
import VerifyClient
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An error answered as JSON: `{"message": …}` (and `msg` for token refusals, as
/// flask-jwt-extended clients read it). Never carries upstream credentials or internals.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var body: [String: String]
    var headers: HTTPFields = [:]

    static func badRequest(_ message: String) -> APIError { APIError(status: .badRequest, body: ["message": message]) }

    static func unauthorized(_ refusal: TokenRefusal) -> APIError {
        APIError(
            status: .unauthorized, body: ["msg": refusal.message, "message": refusal.message],
            headers: [.wwwAuthenticate: "Bearer"])
    }
}

/// The SMS-code login API, a superset of the contract existing clients use:
/// `POST /api/auth/send-verification`, `POST /api/auth/verify-code`, `GET /api/auth/protected`.
struct AuthAPI: Sendable {
    let verify: VerifyClient
    let serviceSid: String
    let tokens: TokenService
    let sessions: SessionStore
    let accounts: AccountStore
    let refreshLifetime: TimeInterval
    let limits: AbuseLimits
    let trustProxy: Bool
    /// When set, the client IP is passed to Twilio Verify as this `RateLimits` key.
    let twilioRateLimitKey: String?
    let logger: Logger

    func addRoutes(to router: Router<AuthRequestContext>) {
        router.post("/api/auth/send-verification", use: sendVerification)
        router.post("/api/auth/verify-code", use: verifyCode)
        router.get("/api/auth/protected", use: protected)
        router.post("/api/auth/refresh", use: refresh)
        router.post("/api/auth/logout", use: logout)
        router.get("/healthz") { _, _ in try json(["status": "ok"]) }
        router.get("/.well-known/jwks.json") { _, _ in
            var response = try keySetResponse(tokens.jwks())
            response.headers[.cacheControl] = "public, max-age=300"
            return response
        }
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
        let body = try await decode(SendRequest.self, request, context)
        let phone = try normalize(body.phoneNumber)
        let ip = context.clientIP(request, trustProxy: trustProxy)
        try AbuseLimits.check(limits.sendPerPhone, limits.sendPerIP, phone: phone, ip: ip, now: tokens.now())
        var options = VerifyClient.StartOptions()
        if let key = twilioRateLimitKey { options.rateLimits = [key: ip] }
        do {
            _ = try await verify.startVerification(serviceSid: serviceSid, to: phone, channel: .sms, options: options)
        } catch let error as VerifyClientError {
            throw verifyFailure(error, during: "send", logger: logger)
        }
        return try json(["message": "Verification code sent successfully", "status": "pending"])
    }

    @Sendable func verifyCode(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await decode(VerifyRequest.self, request, context)
        let phone = try normalize(body.phoneNumber)
        try AbuseLimits.check(
            limits.verifyPerPhone, limits.verifyPerIP, phone: phone,
            ip: context.clientIP(request, trustProxy: trustProxy),
            now: tokens.now())
        let code = body.code.trimmingWhitespace()
        guard (4...10).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw APIError.badRequest("The code is 4 to 10 letters or digits")
        }
        let check: VerificationCheckResource
        do {
            check = try await verify.checkVerification(serviceSid: serviceSid, to: phone, code: String(code))
        } catch let error as VerifyClientError {
            throw verifyFailure(error, during: "check", logger: logger)
        }
        guard check.status == "approved", check.valid else {
            return try json(
                ["message": "Invalid verification code", "authenticated": false, "status": check.status] as JSONObject,
                status: .badRequest)
        }
        let session = try await sessions.startFamily(subject: phone, now: tokens.now(), lifetime: refreshLifetime)
        return try await tokenResponse(
            subject: phone, family: session.family, refreshToken: session.token,
            extra: ["message": "Verification successful", "authenticated": true])
    }

    /// Access and refresh tokens, never cached by anyone on the way. The subject is a phone
    /// number (SMS login) or an account sid (password login).
    func tokenResponse(
        subject: String, family: String, refreshToken: String, extra: JSONObject
    ) async throws
        -> Response
    {
        let issued = try await tokens.issueAccessToken(for: subject, family: family)
        var body: JSONObject = [
            "token": issued.token, "access_token": issued.token, "refresh_token": refreshToken, "token_type": "Bearer",
            "expires_in": Int(issued.expiresAt.timeIntervalSince(tokens.now()).rounded()),
        ]
        body[Account.isSid(subject) ? "account_sid" : "phone_number"] = subject
        body.merge(extra) { _, new in new }
        var response = try json(body)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    struct RefreshRequest: Decodable {
        var refreshToken: String
        enum CodingKeys: String, CodingKey { case refreshToken = "refresh_token" }
    }

    /// `POST /api/auth/refresh {"refresh_token"}`: rotates the refresh token and issues a new
    /// access token. A token that was already rotated revokes its whole family.
    @Sendable func refresh(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await decode(RefreshRequest.self, request, context)
        let outcome = try await sessions.rotate(body.refreshToken, now: tokens.now(), lifetime: refreshLifetime)
        switch outcome {
        case .rotated(let token, let family, let subject):
            if Account.isSid(subject) {
                // an account's refresh stops working once it is disabled or its password changed
                guard let account = try await accounts.find(sid: subject), !account.isDisabled else {
                    throw APIError.unauthorized(TokenRefusal(message: "This account is disabled"))
                }
            }
            return try await tokenResponse(subject: subject, family: family, refreshToken: token, extra: [:])
        case .unknown: throw APIError.unauthorized(TokenRefusal(message: "Invalid refresh token"))
        case .expired: throw APIError.unauthorized(TokenRefusal(message: "Refresh token has expired"))
        case .revoked: throw APIError.unauthorized(TokenRefusal(message: "Refresh token has been revoked"))
        case .reused:
            logger.warning("refresh token reuse detected; its family was revoked")
            throw APIError.unauthorized(
                TokenRefusal(message: "Refresh token reuse detected; the session was revoked, log in again"))
        }
    }

    /// `POST /api/auth/logout` with the access token: revokes its refresh-token family and
    /// denylists the access token until it expires.
    @Sendable func logout(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let claims = try await bearerClaims(request)
        try await sessions.logout(
            family: claims.fid, jti: claims.jti.value, accessExpiresAt: claims.exp.value, now: tokens.now())
        return try json(["message": "Logged out"])
    }

    @Sendable func protected(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let claims = try await bearerClaims(request)
        let subject = claims.sub.value
        guard Account.isSid(subject) else {
            return try json(["message": "This is a protected route", "phone_number": subject])
        }
        let account = try await bearerAccount(claims)
        return try json(["message": "This is a protected route", "account_sid": subject, "username": account.username])
    }

    /// The account of an account token: refused once the account is disabled, or when the token
    /// predates a password change or reset.
    func bearerAccount(_ claims: AccessClaims) async throws -> Account {
        guard let account = try await accounts.find(sid: claims.sub.value) else {
            throw APIError.unauthorized(TokenRefusal(message: "Unknown account"))
        }
        guard !account.isDisabled else {
            throw APIError.unauthorized(TokenRefusal(message: "This account is disabled"))
        }
        guard claims.iat.value.timeIntervalSince1970 >= account.sessionsValidAfter.rounded(.down) else {
            throw APIError.unauthorized(TokenRefusal(message: "Token has been revoked"))
        }
        return account
    }

    func bearerClaims(_ request: Request) async throws -> AccessClaims {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized(TokenRefusal(message: "Missing Authorization Header"))
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized(
                TokenRefusal(
                    message: "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'"))
        }
        let claims: AccessClaims
        do {
            claims = try await tokens.verify(String(parts[1]))
        } catch {
            throw APIError.unauthorized(error)
        }
        if sessions.isRevoked(jti: claims.jti.value) {
            throw APIError.unauthorized(TokenRefusal(message: "Token has been revoked"))
        }
        return claims
    }

    // MARK: Helpers

    func decode<T: Decodable>(
        _ type: T.Type, _ request: Request, _ context: AuthRequestContext,
        example: String = #"{"phone_number": "+14155550100"}"#
    ) async throws
        -> T
    {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: 16 * 1024)
        } catch {
            throw APIError(status: .contentTooLarge, body: ["message": "Request body too large"])
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch DecodingError.keyNotFound(let key, _) {
            throw APIError.badRequest("\(key.stringValue) is required")
        } catch {
            throw APIError.badRequest("The body must be JSON like \(example)")
        }
    }

    private func normalize(_ phone: String) throws -> String {
        do {
            return try PhoneNumber.normalize(phone)
        } catch {
            throw APIError.badRequest("Invalid phone number: \(error.description)")
        }
    }
}

typealias JSONObject = [String: any Sendable]

/// `{"keys": [...]}` for a JWKS.
func keySetResponse(_ keys: [[String: String]]) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return Response(
        status: .ok, headers: [.contentType: "application/json"],
        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(["keys": keys]))))
}

/// A JSON response from a dictionary of strings, numbers and booleans.
func json(_ object: JSONObject, status: HTTPResponse.Status = .ok) throws -> Response {
    var parts: [String] = []
    for key in object.keys.sorted() {
        let value: String
        switch object[key] {
        case let text as String: value = quoted(text)
        case let flag as Bool: value = flag ? "true" : "false"
        case let number as Int: value = String(number)
        case let members as [String: String]:
            value =
                "{" + members.keys.sorted().map { "\(quoted($0)):\(quoted(members[$0]!))" }.joined(separator: ",") + "}"
        default: value = "null"
        }
        parts.append("\(quoted(key)):\(value)")
    }
    return Response(
        status: status, headers: [.contentType: "application/json"],
        body: .init(byteBuffer: ByteBuffer(string: "{" + parts.joined(separator: ",") + "}")))
}

func json(_ object: [String: String], status: HTTPResponse.Status = .ok) throws -> Response {
    try json(object as JSONObject, status: status)
}

private func quoted(_ text: String) -> String {
    var writer = JSONWriter(capacity: text.utf8.count + 2)
    writer.string(text)
    return String(decoding: writer.bytes, as: UTF8.self)
}

/// Renders ``APIError``s and ``FormErrors`` as JSON; anything unexpected is a 500 with no
/// internals. Outside `/api/` (the web pages) a missing page or an unexpected failure is an
/// HTML page in the site's layout that, again, says nothing about internals.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = AuthRequestContext
    let logger: Logger
    var pages: MustacheLibrary?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            var response = try json(error.body, status: error.status)
            for field in error.headers { response.headers.append(field) }
            return response
        } catch let error as FormErrors {
            var body: JSONObject = ["message": error.summary]
            if !error.fields.isEmpty { body["errors"] = error.fields }
            var response = try json(body, status: error.status)
            if let wait = error.retryAfter { response.headers[.retryAfter] = String(wait) }
            return response
        } catch let error as any HTTPResponseError where error.status == .notFound {
            if let page = page(request, .notFound, "Page not found", "There is nothing at this address.") {
                return page
            }
            return try json(["message": "Not found"], status: .notFound)
        } catch let error as any HTTPResponseError {
            if let page = page(request, error.status, error.status.reasonPhrase, "The request could not be handled.") {
                return page
            }
            return try json(["message": error.status.reasonPhrase], status: error.status)
        } catch {
            logger.error("unexpected error on \(request.method) \(request.uri.path): \(error)")
            if let page = page(
                request, .internalServerError, "Something went wrong",
                "The server could not complete this request. Please try again in a moment.")
            {
                return page
            }
            return try json(["message": "Internal server error"], status: .internalServerError)
        }
    }

    /// An HTML error page for the web pages' paths; nil for the JSON API's.
    private func page(
        _ request: Request, _ status: HTTPResponse.Status, _ heading: String, _ message: String
    ) -> Response? {
        let path = request.uri.path
        guard let pages, !path.hasPrefix("/api/"), !path.hasPrefix("/.well-known/"), path != "/healthz" else {
            return nil
        }
        var response = WebApp.html(
            pages.render(["heading": heading, "message": message], withTemplate: "error") ?? heading, status: status)
        SecurityHeadersMiddleware<AuthRequestContext>.apply(to: &response.headers)
        return response
    }
}
