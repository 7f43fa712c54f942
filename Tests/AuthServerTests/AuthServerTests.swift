import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import NIOCore
import Synchronization
import Testing
import VerifyClient
import VerifyEmulator
import VerifyWire

@testable import AuthServer

let secret = "k3v9-Qz8r!Lp2Xw7#Mn4Tb6Yc1Hd5Jf0Gs"

/// A clock the tests move, shared by the auth server's tokens.
final class TestClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)
    func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }
    func advance(_ seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}

struct Stack {
    let auth: any TestClientProtocol
    let emulatorClock: EmulatorClock
    let tokenClock: TestClock
    let emulatorPort: Int

    func post(_ path: String, _ body: String) async throws -> (HTTPResponse.Status, [String: Any], HTTPFields) {
        try await auth.execute(
            uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)
        ) { response in
            (
                response.status,
                (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:],
                response.headers
            )
        }
    }

    func protected(_ authorization: String?) async throws -> (HTTPResponse.Status, [String: Any], HTTPFields) {
        var headers: HTTPFields = [:]
        if let authorization { headers[.authorization] = authorization }
        return try await auth.execute(uri: "/api/auth/protected", method: .get, headers: headers) { response in
            (
                response.status,
                (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:],
                response.headers
            )
        }
    }

    /// The code the emulator "sent" to `to`, read as a test would.
    func code(for to: String) async throws -> String {
        let client = TestClient(host: "127.0.0.1", port: emulatorPort)
        client.connect()
        let response = try await client.get("/emulator/v1/messages?to=\(FormData.encode(to))")
        try await client.shutdown()
        struct Messages: Decodable { var messages: [OutboxMessage] }
        let messages = try JSONDecoder().decode(Messages.self, from: Data(buffer: response.body ?? ByteBuffer()))
        return try #require(messages.messages.first).code
    }

    func login(_ phone: String) async throws -> String {
        try await loginWithRefresh(phone).access
    }

    func loginWithRefresh(_ phone: String) async throws -> (access: String, refresh: String) {
        _ = try await post("/api/auth/send-verification", #"{"phone_number": "\#(phone)"}"#)
        let code = try await code(for: try PhoneNumber.normalize(phone))
        let (status, body, _) = try await post(
            "/api/auth/verify-code", #"{"phone_number": "\#(phone)", "code": "\#(code)"}"#)
        #expect(status == .ok)
        return (try #require(body["token"] as? String), try #require(body["refresh_token"] as? String))
    }

    func bearerPost(
        _ path: String, _ token: String, _ body: String = "{}"
    ) async throws -> (
        HTTPResponse.Status, [String: Any], HTTPFields
    ) {
        try await auth.execute(
            uri: path, method: .post, headers: [.contentType: "application/json", .authorization: "Bearer \(token)"],
            body: ByteBuffer(string: body)
        ) { response in
            (
                response.status,
                (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:],
                response.headers
            )
        }
    }
}

/// A real emulator on loopback and the auth server pointed at it by base URL.
func withStack(
    configure: @escaping @Sendable (inout AuthConfiguration) -> Void = { _ in },
    emulator configureEmulator: (inout EmulatorConfiguration) -> Void = { _ in },
    _ body: @Sendable (Stack) async throws -> Void
) async throws {
    var emulatorConfiguration = EmulatorConfiguration()
    emulatorConfiguration.databasePath = ":memory:"
    emulatorConfiguration.port = 0
    emulatorConfiguration.logMessages = false
    configureEmulator(&emulatorConfiguration)
    var quiet = Logger(label: "auth-test")
    quiet.logLevel = .critical
    let logger = quiet
    let emulatorClock = emulatorConfiguration.clock
    let emulator = try await buildApplication(configuration: emulatorConfiguration, logger: logger)
    try await emulator.test(.live) { emulatorClient in
        let port = try #require(emulatorClient.port)
        var configuration = try AuthConfiguration.fromEnvironment([
            "TWILIO_VERIFY_BASE_URL": "http://127.0.0.1:\(port)", "AUTH_SERVER_DEVELOPMENT": "1", "SECRET_KEY": secret,
        ])
        configuration.port = 0
        configuration.databasePath = ":memory:"
        configure(&configuration)
        let tokenClock = TestClock()
        let server = try await buildAuthServer(configuration: configuration, logger: logger) { tokenClock.now() }
        try await server.test(.live) { auth in
            try await body(Stack(auth: auth, emulatorClock: emulatorClock, tokenClock: tokenClock, emulatorPort: port))
        }
    }
}

@Suite("Auth server: SMS-code login against the emulator")
struct LoginTests {
    @Test("send, verify, call the protected route: the contract existing clients use")
    func login() async throws {
        try await withStack { stack in
            let (sendStatus, sent, _) = try await stack.post(
                "/api/auth/send-verification", #"{"phone_number": "+1 (415) 555-0100"}"#)
            #expect(sendStatus == .ok)
            #expect(sent["message"] as? String == "Verification code sent successfully")
            #expect(sent["status"] as? String == "pending")

            let code = try await stack.code(for: "+14155550100")
            let (status, body, headers) = try await stack.post(
                "/api/auth/verify-code", #"{"phone_number": "+14155550100", "code": "\#(code)"}"#)
            #expect(status == .ok)
            #expect(body["message"] as? String == "Verification successful")
            #expect(body["authenticated"] as? Bool == true)
            #expect(body["phone_number"] as? String == "+14155550100")
            #expect(headers[.cacheControl] == "no-store")
            let token = try #require(body["token"] as? String)

            // the token verifies with a third party's view of HS256: jwt-kit with only the secret
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: "hs256-1")
            let claims = try await keys.verify(token, as: AccessClaims.self)
            #expect(claims.sub.value == "+14155550100")
            #expect(claims.type == "access")
            let lifetime = claims.exp.value.timeIntervalSince(claims.iat.value)
            #expect(lifetime == 86_400)

            let (protectedStatus, protected, _) = try await stack.protected("Bearer \(token)")
            #expect(protectedStatus == .ok)
            #expect(protected["message"] as? String == "This is a protected route")
            #expect(protected["phone_number"] as? String == "+14155550100")
        }
    }

    @Test("a wrong code is refused with the contract's body; the right one still works")
    func wrongCode() async throws {
        try await withStack { stack in
            _ = try await stack.post("/api/auth/send-verification", #"{"phone_number": "+14155550101"}"#)
            let code = try await stack.code(for: "+14155550101")
            let wrong = code == "000000" ? "111111" : "000000"
            let (status, body, _) = try await stack.post(
                "/api/auth/verify-code", #"{"phone_number": "+14155550101", "code": "\#(wrong)"}"#)
            #expect(status == .badRequest)
            #expect(body["message"] as? String == "Invalid verification code")
            #expect(body["authenticated"] as? Bool == false)
            #expect(body["status"] as? String == "pending")
            #expect(body["token"] == nil)
            let (ok, _, _) = try await stack.post(
                "/api/auth/verify-code", #"{"phone_number": "+14155550101", "code": "\#(code)"}"#)
            #expect(ok == .ok)
        }
    }

    @Test("an expired code (emulator clock) and too many attempts get clear errors")
    func expiredAndExhausted() async throws {
        try await withStack { stack in
            _ = try await stack.post("/api/auth/send-verification", #"{"phone_number": "+14155550102"}"#)
            let code = try await stack.code(for: "+14155550102")
            stack.emulatorClock.advance(by: .seconds(601))
            let (expired, body, _) = try await stack.post(
                "/api/auth/verify-code", #"{"phone_number": "+14155550102", "code": "\#(code)"}"#)
            #expect(expired == .badRequest)
            #expect((body["message"] as? String)?.contains("expired") == true)

            _ = try await stack.post("/api/auth/send-verification", #"{"phone_number": "+14155550103"}"#)
            let fresh = try await stack.code(for: "+14155550103")
            let wrong = fresh == "000000" ? "111111" : "000000"
            for _ in 0..<5 {
                _ = try await stack.post(
                    "/api/auth/verify-code", #"{"phone_number": "+14155550103", "code": "\#(wrong)"}"#)
            }
            let (limited, limitedBody, _) = try await stack.post(
                "/api/auth/verify-code", #"{"phone_number": "+14155550103", "code": "\#(fresh)"}"#)
            #expect(limited == .tooManyRequests)
            #expect((limitedBody["message"] as? String)?.contains("Too many attempts") == true)
        }
    }

    @Test(
        "bad input is a clear JSON error",
        arguments: [
            ("/api/auth/send-verification", #"{"phone_number": "4155550100"}"#, "Invalid phone number"),
            ("/api/auth/send-verification", #"{"phone_number": "+999 123 456 789"}"#, "unknown country calling code"),
            ("/api/auth/send-verification", #"{"phone_number": "+1 415 555 010"}"#, "wrong length"),
            ("/api/auth/send-verification", #"{}"#, "phone_number is required"),
            ("/api/auth/send-verification", "not json", "The body must be JSON"),
            ("/api/auth/verify-code", #"{"phone_number": "+14155550100", "code": "12"}"#, "4 to 10"),
        ])
    func badInput(path: String, body: String, message: String) async throws {
        try await withStack { stack in
            let (status, response, _) = try await stack.post(path, body)
            #expect(status == .badRequest)
            #expect((response["message"] as? String)?.contains(message) == true, "\(response)")
        }
    }

    @Test("Twilio errors map to client errors: blocked numbers, rate limits, outages, slowness")
    func twilioErrors() async throws {
        let faults = [
            FaultRule(endpoint: .verifications, to: "+14155550110", error: .init(code: 60410)),
            FaultRule(endpoint: .verifications, to: "+14155550111", error: .init(code: 20503)),
            FaultRule(endpoint: .verifications, to: "+14155550112", latencyMs: 3000),
        ]
        try await withStack(
            configure: { $0.verify.timeout = .milliseconds(500) }, emulator: { $0.faults = faults }
        ) { stack in
            let (blocked, blockedBody, _) = try await stack.post(
                "/api/auth/send-verification", #"{"phone_number": "+14155550110"}"#)
            #expect(blocked == .forbidden)
            #expect(blockedBody["message"] as? String == "This number cannot receive verification codes")
            let (down, downBody, _) = try await stack.post(
                "/api/auth/send-verification", #"{"phone_number": "+14155550111"}"#)
            #expect(down == .badGateway)
            #expect((downBody["message"] as? String)?.contains("AC") == false)
            let started = ContinuousClock.now
            let (slow, _, _) = try await stack.post("/api/auth/send-verification", #"{"phone_number": "+14155550112"}"#)
            #expect(slow == .gatewayTimeout)
            #expect(ContinuousClock.now - started < .seconds(3))
            for _ in 0..<5 {
                _ = try await stack.post("/api/auth/send-verification", #"{"phone_number": "+14155550113"}"#)
            }
            let (limited, _, _) = try await stack.post(
                "/api/auth/send-verification", #"{"phone_number": "+14155550113"}"#)
            #expect(limited == .tooManyRequests)
        }
    }
}

@Suite("Auth server: refused tokens")
struct TokenRefusalTests {
    static func forge(header: String, payload: String, key: String?) -> String {
        func b64(_ data: Data) -> String {
            data.base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
        }
        let signingInput = b64(Data(header.utf8)) + "." + b64(Data(payload.utf8))
        guard let key else { return signingInput + "." }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(signingInput.utf8), using: SymmetricKey(data: Data(key.utf8)))
        return signingInput + "." + b64(Data(mac))
    }

    @Test("every refused token gets 401, WWW-Authenticate: Bearer and a msg saying why")
    func refusals() async throws {
        try await withStack { stack in
            let token = try await stack.login("+14155550120")
            let now = Int(Date().timeIntervalSince1970)
            let payload =
                #"{"sub":"+14155550120","iat":\#(now),"nbf":\#(now),"exp":\#(now + 600),"jti":"x","type":"access"}"#
            let cases: [(String?, String)] = [
                (nil, "Missing Authorization Header"),
                ("Token \(token)", "Missing 'Bearer' type"),
                ("Bearer abc", "Not enough segments"),
                ("Bearer !!!.e30.sig", "Invalid header string"),
                (
                    "Bearer "
                        + Self.forge(header: #"{"alg":"none","typ":"JWT","kid":"hs256-1"}"#, payload: payload, key: nil),
                    "alg value is not allowed"
                ),
                (
                    "Bearer "
                        + Self.forge(
                            header: #"{"alg":"HS512","typ":"JWT","kid":"hs256-1"}"#, payload: payload, key: secret),
                    "alg value is not allowed"
                ),
                (
                    "Bearer "
                        + Self.forge(
                            header: #"{"alg":"HS256","typ":"JWT","kid":"other"}"#, payload: payload, key: secret),
                    "Unknown signing key"
                ),
                (
                    "Bearer " + Self.forge(header: #"{"alg":"HS256","typ":"JWT"}"#, payload: payload, key: secret),
                    "Unknown signing key"
                ),
                (
                    "Bearer "
                        + Self.forge(
                            header: #"{"alg":"HS256","typ":"JWT","kid":"hs256-1"}"#, payload: payload,
                            key: "a-different-32-byte-secret-key!!!"), "Signature verification failed"
                ),
                ("Bearer " + token.dropLast(2) + "xx", "Signature verification failed"),
                (
                    "Bearer "
                        + Self.forge(
                            header: #"{"alg":"HS256","typ":"JWT","kid":"hs256-1"}"#,
                            payload: payload.replacing(#""type":"access""#, with: #""type":"refresh""#), key: secret),
                    "Only non-refresh tokens"
                ),
                (
                    "Bearer "
                        + Self.forge(
                            header: #"{"alg":"HS256","typ":"JWT","kid":"hs256-1"}"#,
                            payload: payload.replacing(#""nbf":\#(now)"#, with: #""nbf":\#(now + 300)"#), key: secret),
                    "not yet valid"
                ),
            ]
            for (authorization, message) in cases {
                let (status, body, headers) = try await stack.protected(authorization)
                #expect(status == .unauthorized, "\(message)")
                #expect(headers[.wwwAuthenticate] == "Bearer")
                #expect((body["msg"] as? String)?.contains(message) == true, "\(body) for \(message)")
            }
            stack.tokenClock.advance(86_401)
            let (expired, body, _) = try await stack.protected("Bearer \(token)")
            #expect(expired == .unauthorized)
            #expect(body["msg"] as? String == "Token has expired")
        }
    }
}

@Suite("Auth server: refresh and logout")
struct RefreshTests {
    @Test("refresh rotates on every use; a replayed refresh token revokes its whole family")
    func rotation() async throws {
        try await withStack { stack in
            let first = try await stack.loginWithRefresh("+14155550130")
            let (status, body, headers) = try await stack.post(
                "/api/auth/refresh", #"{"refresh_token": "\#(first.refresh)"}"#)
            #expect(status == .ok)
            #expect(headers[.cacheControl] == "no-store")
            let second = try #require(body["refresh_token"] as? String)
            let access = try #require(body["access_token"] as? String)
            #expect(second != first.refresh)
            #expect(try await stack.protected("Bearer \(access)").0 == .ok)

            // replaying the rotated token: reuse detected, and the family's newer token dies too
            let (replay, replayBody, replayHeaders) = try await stack.post(
                "/api/auth/refresh", #"{"refresh_token": "\#(first.refresh)"}"#)
            #expect(replay == .unauthorized)
            #expect(replayHeaders[.wwwAuthenticate] == "Bearer")
            #expect((replayBody["msg"] as? String)?.contains("reuse detected") == true)
            let (afterReuse, afterBody, _) = try await stack.post(
                "/api/auth/refresh", #"{"refresh_token": "\#(second)"}"#)
            #expect(afterReuse == .unauthorized)
            #expect(afterBody["msg"] as? String == "Refresh token has been revoked")

            // another login (another family) is unaffected
            let other = try await stack.loginWithRefresh("+14155550130")
            #expect(try await stack.post("/api/auth/refresh", #"{"refresh_token": "\#(other.refresh)"}"#).0 == .ok)
        }
    }

    @Test("logout revokes the family and the access token until it expires")
    func logout() async throws {
        try await withStack { stack in
            let session = try await stack.loginWithRefresh("+14155550131")
            let (status, body, _) = try await stack.bearerPost("/api/auth/logout", session.access)
            #expect(status == .ok)
            #expect(body["message"] as? String == "Logged out")
            let (refused, refusedBody, _) = try await stack.protected("Bearer \(session.access)")
            #expect(refused == .unauthorized)
            #expect(refusedBody["msg"] as? String == "Token has been revoked")
            #expect(
                try await stack.post("/api/auth/refresh", #"{"refresh_token": "\#(session.refresh)"}"#).0
                    == .unauthorized)
            #expect(try await stack.bearerPost("/api/auth/logout", "not-a-token").0 == .unauthorized)
        }
    }

    @Test("a refresh token never passes as an access token, nor the reverse")
    func noConfusion() async throws {
        try await withStack { stack in
            let session = try await stack.loginWithRefresh("+14155550132")
            let (asAccess, body, _) = try await stack.protected("Bearer \(session.refresh)")
            #expect(asAccess == .unauthorized)
            #expect(body["msg"] as? String == "Not enough segments")
            let (asRefresh, refreshBody, _) = try await stack.post(
                "/api/auth/refresh", #"{"refresh_token": "\#(session.access)"}"#)
            #expect(asRefresh == .unauthorized)
            #expect(refreshBody["msg"] as? String == "Invalid refresh token")
            #expect(try await stack.post("/api/auth/refresh", "{}").0 == .badRequest)
        }
    }

    @Test("an expired refresh token is refused")
    func expiredRefresh() async throws {
        try await withStack(configure: { $0.refreshTokenLifetime = .seconds(120) }) { stack in
            let session = try await stack.loginWithRefresh("+14155550133")
            stack.tokenClock.advance(121)
            let (status, body, _) = try await stack.post(
                "/api/auth/refresh", #"{"refresh_token": "\#(session.refresh)"}"#)
            #expect(status == .unauthorized)
            #expect(body["msg"] as? String == "Refresh token has expired")
        }
    }
}

@Suite("Auth server: abuse protection")
struct AbuseTests {
    @Test("per-phone send limit, counting every spelling of a number as one, with Retry-After")
    func perPhone() async throws {
        try await withStack(configure: { $0.sendLimitPerPhone = 2 }) { stack in
            #expect(
                try await stack.post("/api/auth/send-verification", #"{"phone_number": "+1 (415) 555-0140"}"#).0 == .ok)
            #expect(try await stack.post("/api/auth/send-verification", #"{"phone_number": "+14155550140"}"#).0 == .ok)
            let (status, body, headers) = try await stack.post(
                "/api/auth/send-verification", #"{"phone_number": "+1 415.555.0140"}"#)
            #expect(status == .tooManyRequests)
            #expect(Int(headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect((body["message"] as? String)?.contains("Too many requests") == true)
            #expect(try await stack.post("/api/auth/send-verification", #"{"phone_number": "+14155550141"}"#).0 == .ok)
        }
    }

    @Test("per-IP limits on send and on verify")
    func perIP() async throws {
        try await withStack(configure: {
            $0.sendLimitPerIP = 3
            $0.verifyLimitPerIP = 2
        }) { stack in
            for index in 0..<3 {
                #expect(
                    try await stack.post("/api/auth/send-verification", #"{"phone_number": "+1415555015\#(index)"}"#).0
                        == .ok)
            }
            let (status, _, headers) = try await stack.post(
                "/api/auth/send-verification", #"{"phone_number": "+14155550159"}"#)
            #expect(status == .tooManyRequests)
            #expect(headers[.retryAfter] != nil)
            for _ in 0..<2 {
                #expect(
                    try await stack.post(
                        "/api/auth/verify-code", #"{"phone_number": "+14155550150", "code": "000000"}"#
                    ).0 == .badRequest)
            }
            #expect(
                try await stack.post("/api/auth/verify-code", #"{"phone_number": "+14155550150", "code": "000000"}"#).0
                    == .tooManyRequests)
        }
    }

    @Test("the client IP can be passed to Twilio Verify as a RateLimits value, so Twilio enforces too")
    func twilioRateLimits() async throws {
        let service = ServiceFixture(
            sid: SID("VA" + String(repeating: "c", count: 32))!, accountSid: TwilioAccount.default.sid,
            friendlyName: "Auth",
            rateLimits: [.init(uniqueName: "end_user_ip_address", buckets: [.init(max: 1, interval: 60)])])
        try await withStack(
            configure: {
                $0.twilioRateLimitKey = "end_user_ip_address"
                $0.verifyServiceSid = service.sid.rawValue
            },
            emulator: { $0.services = [service] }
        ) { stack in
            #expect(try await stack.post("/api/auth/send-verification", #"{"phone_number": "+14155550160"}"#).0 == .ok)
            let (status, body, _) = try await stack.post(
                "/api/auth/send-verification", #"{"phone_number": "+14155550161"}"#)
            #expect(status == .tooManyRequests)
            #expect((body["message"] as? String)?.contains("Too many verification requests") == true)
        }
    }
}

@Suite("Auth server: configuration")
struct ConfigurationTests {
    let production = [
        "TWILIO_ACCOUNT_SID": "AC" + String(repeating: "a", count: 32), "TWILIO_AUTH_TOKEN": "token",
        "TWILIO_VERIFY_SERVICE_SID": "VA" + String(repeating: "b", count: 32), "SECRET_KEY": secret,
    ]

    @Test("production settings are read; no settings at all is development mode")
    func modes() throws {
        let configuration = try AuthConfiguration.fromEnvironment(production)
        #expect(!configuration.developmentMode)
        #expect(configuration.verify.baseURL == "https://verify.twilio.com")
        #expect(configuration.accessTokenLifetime == .seconds(86_400))
        let development = try AuthConfiguration.fromEnvironment([:])
        #expect(development.developmentMode)
        #expect(development.verify.baseURL == "http://127.0.0.1:4010")
        #expect(development.secretKey.count == 32)
    }

    @Test(
        "missing or invalid settings name the setting",
        arguments: [
            ("TWILIO_AUTH_TOKEN", nil, "TWILIO_AUTH_TOKEN"),
            ("TWILIO_VERIFY_SERVICE_SID", nil, "TWILIO_VERIFY_SERVICE_SID"),
            ("TWILIO_VERIFY_SERVICE_SID", "VA123", "TWILIO_VERIFY_SERVICE_SID"),
            ("SECRET_KEY", nil, "SECRET_KEY"),
            ("SECRET_KEY", "short", "SECRET_KEY"),
            ("SECRET_KEY", String(repeating: "a", count: 40), "SECRET_KEY"),
            ("SECRET_KEY", "changeme-changeme-changeme-changeme-123", "SECRET_KEY"),
            ("PORT", "http", "PORT"),
            ("ACCESS_TOKEN_LIFETIME", "5", "ACCESS_TOKEN_LIFETIME"),
            ("TWILIO_VERIFY_BASE_URL", "ftp://x", "TWILIO_VERIFY_BASE_URL"),
        ] as [(String, String?, String)])
    func invalid(name: String, value: String?, setting: String) {
        var environment = production
        environment[name] = value
        #expect {
            try AuthConfiguration.fromEnvironment(environment)
        } throws: { error in
            (error as? AuthConfiguration.Invalid)?.setting == setting
        }
    }

    @Test("phone numbers normalise to one E.164 identity")
    func phones() throws {
        #expect(try PhoneNumber.normalize("+1 (415) 555-0100") == "+14155550100")
        #expect(try PhoneNumber.normalize("0044 20 7946 0958") == "+442079460958")
        #expect(try PhoneNumber.normalize(" +49 30 901820 ") == "+4930901820")
        #expect(throws: PhoneNumber.Invalid.self) { try PhoneNumber.normalize("415-555-0100") }
        #expect(throws: PhoneNumber.Invalid.self) { try PhoneNumber.normalize("+1 415 555 01000") }
        #expect(throws: PhoneNumber.Invalid.self) { try PhoneNumber.normalize("+1 415 555 O100") }
    }
}

@Suite("Auth server: ES256 and EdDSA with JWKS and rotation")
struct AsymmetricTests {
    static func keysDirectory(_ keys: [(String, String, Date)]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("auth-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, pem, created) in keys {
            let path = folder.appendingPathComponent(name + ".pem").path
            try pem.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.modificationDate: created], ofItemAtPath: path)
        }
        return folder.path
    }

    func fetchJWKS(_ stack: Stack) async throws -> String {
        try await stack.auth.execute(uri: "/.well-known/jwks.json", method: .get) { response in
            #expect(response.status == .ok)
            return String(buffer: response.body)
        }
    }

    @Test("ES256 tokens verify with the published JWKS; rotation keeps old keys for one token lifetime")
    func es256Rotation() async throws {
        let old = P256.Signing.PrivateKey()
        let new = P256.Signing.PrivateKey()
        let directory = try Self.keysDirectory([
            ("2026-01", old.pemRepresentation, Date().addingTimeInterval(-90 * 86_400)),
            ("2026-02", new.pemRepresentation, Date()),
        ])
        try await withStack(configure: { configuration in
            configuration.signingAlgorithm = .es256
            configuration.signingKeys = try? SigningKeySet.load(directory: directory, algorithm: .es256)
        }) { stack in
            let token = try await stack.login("+14155550170")
            let header =
                try JSONSerialization.jsonObject(
                    with: try #require(TokenService.base64URLDecode(token.split(separator: ".")[0]))) as? [String: Any]
            #expect(header?["alg"] as? String == "ES256")
            #expect(header?["kid"] as? String == "2026-02")

            let jwks = try await fetchJWKS(stack)
            let published = try JSONDecoder().decode([String: [[String: String]]].self, from: Data(jwks.utf8))["keys"]
            #expect(published?.map { $0["kid"] } == ["2026-01", "2026-02"])
            #expect(published?.allSatisfy { $0["kty"] == "EC" && $0["crv"] == "P-256" && $0["d"] == nil } == true)
            let verifier = JWTKeyCollection()
            try await verifier.add(jwksJSON: jwks)
            #expect(try await verifier.verify(token, as: AccessClaims.self).sub.value == "+14155550170")

            // a token from the previous key is still accepted while that key is published
            let signer = JWTKeyCollection()
            await signer.add(ecdsa: try ES256PrivateKey(pem: old.pemRepresentation), kid: "2026-01")
            let now = Date()
            let oldClaims = AccessClaims(
                sub: .init(value: "+14155550170"), iat: .init(value: now), nbf: .init(value: now),
                exp: .init(value: now.addingTimeInterval(10 * 86_400)), jti: .init(value: "old"), type: "access")
            var jwtHeader = JWTHeader()
            jwtHeader.typ = "JWT"
            let oldToken = try await signer.sign(oldClaims, kid: "2026-01", header: jwtHeader)
            #expect(try await stack.protected("Bearer \(oldToken)").0 == .ok)

            // one token lifetime after the new key took over, the old key is gone
            stack.tokenClock.advance(86_401)
            let (status, body, _) = try await stack.protected("Bearer \(oldToken)")
            #expect(status == .unauthorized)
            #expect(body["msg"] as? String == "Unknown signing key")
            let after = try JSONDecoder().decode(
                [String: [[String: String]]].self, from: Data(try await fetchJWKS(stack).utf8))
            #expect(after["keys"]?.map { $0["kid"] } == ["2026-02"])

            // an HS256 token is refused by an ES256 server, whatever its kid
            let forged = TokenRefusalTests.forge(
                header: #"{"alg":"HS256","typ":"JWT","kid":"2026-02"}"#, payload: #"{"sub":"x"}"#, key: secret)
            #expect(
                try await stack.protected("Bearer \(forged)").1["msg"] as? String
                    == "The specified alg value is not allowed")
        }
    }

    @Test("EdDSA tokens verify with the published JWKS")
    func eddsa() async throws {
        let key = try EdDSA.PrivateKey()
        let directory = try Self.keysDirectory([("ed-1", key.pemRepresentation, Date())])
        try await withStack(configure: { configuration in
            configuration.signingAlgorithm = .eddsa
            configuration.signingKeys = try? SigningKeySet.load(directory: directory, algorithm: .eddsa)
        }) { stack in
            let token = try await stack.login("+14155550171")
            let jwks = try await fetchJWKS(stack)
            #expect(jwks.contains(#""crv":"Ed25519""#) && jwks.contains(#""kid":"ed-1""#))
            let verifier = JWTKeyCollection()
            try await verifier.add(jwksJSON: jwks)
            #expect(try await verifier.verify(token, as: AccessClaims.self).sub.value == "+14155550171")
            #expect(try await stack.protected("Bearer \(token)").0 == .ok)
        }
    }

    @Test("asymmetric settings are validated, naming the setting")
    func settings() throws {
        var environment = [
            "TWILIO_ACCOUNT_SID": "AC" + String(repeating: "a", count: 32), "TWILIO_AUTH_TOKEN": "token",
            "TWILIO_VERIFY_SERVICE_SID": "VA" + String(repeating: "b", count: 32), "JWT_ALGORITHM": "ES256",
        ]
        #expect { try AuthConfiguration.fromEnvironment(environment) } throws: {
            ($0 as? AuthConfiguration.Invalid)?.setting == "JWT_KEYS_DIR"
        }
        environment["JWT_KEYS_DIR"] = try Self.keysDirectory([("bad", "not a key", Date())])
        #expect { try AuthConfiguration.fromEnvironment(environment) } throws: {
            ($0 as? AuthConfiguration.Invalid)?.problem.contains("bad.pem") == true
        }
        environment["JWT_ALGORITHM"] = "RS256"
        #expect { try AuthConfiguration.fromEnvironment(environment) } throws: {
            ($0 as? AuthConfiguration.Invalid)?.setting == "JWT_ALGORITHM"
        }
        environment["JWT_ALGORITHM"] = "EdDSA"
        environment["JWT_KEYS_DIR"] = try Self.keysDirectory([("ed", try EdDSA.PrivateKey().pemRepresentation, Date())])
        let configuration = try AuthConfiguration.fromEnvironment(environment)
        #expect(configuration.signingAlgorithm == .eddsa)
        #expect(configuration.signingKeys?.keys.map(\.kid) == ["ed"])
    }
}

@Suite("Auth server: Twilio unreachable")
struct UnreachableTests {
    @Test("an unreachable Verify answers 502 JSON at once, never a hang")
    func unreachable() async throws {
        var configuration = try AuthConfiguration.fromEnvironment([
            "TWILIO_ACCOUNT_SID": "AC" + String(repeating: "a", count: 32), "TWILIO_AUTH_TOKEN": "token",
            "TWILIO_VERIFY_SERVICE_SID": "VA" + String(repeating: "b", count: 32), "SECRET_KEY": secret,
            "TWILIO_VERIFY_BASE_URL": "http://127.0.0.1:9", "TWILIO_TIMEOUT": "2",
        ])
        configuration.port = 0
        configuration.databasePath = ":memory:"
        var logger = Logger(label: "auth-unreachable")
        logger.logLevel = .critical
        let server = try await buildAuthServer(configuration: configuration, logger: logger)
        try await server.test(.live) { client in
            let started = ContinuousClock.now
            try await client.execute(
                uri: "/api/auth/send-verification", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"phone_number": "+14155550199"}"#)
            ) { response in
                #expect(response.status == .badGateway || response.status == .gatewayTimeout)
                let body = String(buffer: response.body)
                #expect(body.contains("The verification service"))
                #expect(!body.contains("AC" + String(repeating: "a", count: 32)))
                #expect(!body.contains("127.0.0.1"))
            }
            #expect(ContinuousClock.now - started < .seconds(3))
        }
    }
}
