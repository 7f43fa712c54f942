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
import VerifyEmulatorTesting
import VerifyWire

@testable import AuthServer

let secret = "k3v9-Qz8r!Lp2Xw7#Mn4Tb6Yc1Hd5Jf0Gs"

/// A clock the tests move, shared by the auth server's tokens.
/// Follows the system clock, or with `frozen` stands still until advanced, so a test that
/// compares durations does not depend on how busy the machine is.
final class TestClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)
    private let frozenAt: Date?

    init(frozen: Bool = false) {
        frozenAt = frozen ? Date() : nil
    }

    func now() -> Date { (frozenAt ?? Date()).addingTimeInterval(offset.withLock { $0 }) }
    func advance(_ seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}

struct Stack {
    let auth: any TestClientProtocol
    let emulator: RunningEmulator
    let tokenClock: TestClock
    /// What the server was built with (its database, for operator commands on the same one).
    let configuration: AuthConfiguration

    var emulatorClock: EmulatorClock { emulator.clock }
    var emulatorPort: Int { emulator.port }

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
    /// Waits up to 5 s for the first: a reset code is sent after the answer.
    func code(for to: String) async throws -> String {
        try #require(try await emulator.lastCode(to: to, waitingUpTo: .seconds(5)))
    }

    /// Registers `name` (password `correct-horse-battery`) and returns its access token.
    func signUp(_ name: String) async throws -> String {
        _ = try await json(
            .post, "/api/accounts/register",
            #"{"username": "\#(name)", "email": "\#(name)@example.com", "password": "correct-horse-battery"}"#)
        let (_, tokens, _) = try await json(
            .post, "/api/accounts/login", #"{"login": "\#(name)", "password": "correct-horse-battery"}"#)
        return try #require(tokens["access_token"] as? String)
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
    frozenTokenClock: Bool = false,
    _ body: @Sendable (Stack) async throws -> Void
) async throws {
    var quiet = Logger(label: "auth-test")
    quiet.logLevel = .critical
    let logger = quiet
    try await withVerifyEmulator(logger: logger, configure: configureEmulator) { emulator in
        var configuration = try AuthConfiguration.fromEnvironment([
            "TWILIO_VERIFY_BASE_URL": emulator.baseURL, "AUTH_SERVER_DEVELOPMENT": "1", "SECRET_KEY": secret,
        ])
        configuration.port = 0
        configuration.databasePath = ":memory:"
        configure(&configuration)
        // AUTH_TEST_DATABASE_URL runs the suite on PostgreSQL: a fresh schema per test, unless the
        // test chose its own SQLite file
        if configuration.databasePath == ":memory:", configuration.databaseURL == nil {
            configuration.databaseURL = try await TestBackend.freshPostgres()
            configuration.databasePoolSize = 4
        }
        let settings = configuration
        let tokenClock = TestClock(frozen: frozenTokenClock)
        let server = try await buildAuthServer(configuration: configuration, logger: logger) { tokenClock.now() }
        try await server.test(.live) { auth in
            try await body(Stack(auth: auth, emulator: emulator, tokenClock: tokenClock, configuration: settings))
        }
    }
}
