import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import VerifyEmulatorTesting

@testable import AuthServer

@Suite("Auth server: limits are counted in the database")
struct SharedLimitsTests {
    static func send(_ client: some TestClientProtocol, _ phone: String) async throws -> (HTTPResponse.Status, String?)
    {
        try await client.execute(
            uri: "/api/auth/send-verification", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"phone_number": "\#(phone)"}"#)
        ) { ($0.status, $0.headers[.retryAfter]) }
    }

    @Test("two replicas on one database share the counters, and a restart does not reset them")
    func sharedAndDurable() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("auth-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("auth.sqlite").path
        var logger = Logger(label: "auth-test")
        logger.logLevel = .critical
        let quiet = logger
        let clock = TestClock(frozen: true)
        try await withVerifyEmulator(logger: quiet) { emulator in
            var configuration = try AuthConfiguration.fromEnvironment([
                "TWILIO_VERIFY_BASE_URL": emulator.baseURL, "AUTH_SERVER_DEVELOPMENT": "1", "SECRET_KEY": secret,
            ])
            configuration.port = 0
            configuration.databasePath = path
            configuration.sendLimitPerPhone = 2
            let settings = configuration
            func replica() async throws -> some ApplicationProtocol {
                try await buildAuthServer(configuration: settings, logger: quiet) { clock.now() }
            }
            let first = try await replica()
            let second = try await replica()
            try await first.test(.live) { one in
                try await second.test(.live) { two in
                    #expect(try await Self.send(one, "+14155550170").0 == .ok)
                    #expect(try await Self.send(two, "+14155550170").0 == .ok)
                    // the third send of the number, on either replica, is over the limit of 2
                    let refused = try await Self.send(one, "+14155550170")
                    #expect(refused.0 == .tooManyRequests)
                    #expect(Int(refused.1 ?? "") == 600)
                    #expect(try await Self.send(two, "+14155550170").0 == .tooManyRequests)
                    #expect(try await Self.send(two, "+14155550171").0 == .ok)
                }
            }
            // a restarted server remembers
            clock.advance(300)
            try await replica().test(.live) { restarted in
                let refused = try await Self.send(restarted, "+14155550170")
                #expect(refused.0 == .tooManyRequests)
                #expect(Int(refused.1 ?? "") == 300)
                clock.advance(301)
                #expect(try await Self.send(restarted, "+14155550170").0 == .ok)
            }
        }
        // no phone number is stored in the clear
        let rows = try DatabaseQueue(path: path)
        let stored = try rows.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, hex(key_digest) AS digest FROM limit_hit")
        }
        #expect(!stored.isEmpty)
        #expect(stored.allSatisfy { !(($0["digest"] as String?) ?? "").isEmpty })
        let dump = try await rows.read { db in
            try String.fetchAll(db, sql: "SELECT CAST(key_digest AS TEXT) FROM limit_hit")
        }
        #expect(!dump.contains { $0.contains("4155550170") })
    }
}
