import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import VerifyEmulator
import VerifyEmulatorTesting

@testable import AuthServer

/// Two auth-server replicas on one PostgreSQL database (the test cluster of `scripts/test.sh`)
/// and one emulator, as behind a load balancer: what one refuses or rotates, the other knows.
@Suite(
    "Auth server: two replicas on one PostgreSQL",
    .enabled(if: TestBackend.postgresURL != nil, "needs the PostgreSQL test cluster"))
struct ReplicaTests {
    /// Runs `body` with replicas A and B: the same configuration and database, two servers.
    func withReplicas(
        configure: @escaping @Sendable (inout AuthConfiguration) -> Void = { _ in },
        _ body: @Sendable (Stack, Stack) async throws -> Void
    ) async throws {
        var quiet = Logger(label: "auth-replica-test")
        quiet.logLevel = .critical
        let logger = quiet
        let url = try #require(try await TestBackend.freshPostgres())
        try await withVerifyEmulator(logger: logger) { emulator in
            var configuration = try AuthConfiguration.fromEnvironment([
                "TWILIO_VERIFY_BASE_URL": emulator.baseURL, "AUTH_SERVER_DEVELOPMENT": "1", "SECRET_KEY": secret,
            ])
            configuration.port = 0
            configuration.bcryptCost = 4
            configuration.databaseURL = url
            // as the suite's other stacks: the whole suite shares one cluster's connections
            configuration.databasePoolSize = 4
            configure(&configuration)
            let settings = configuration
            let clock = TestClock()
            let replicaA = try await buildAuthServer(configuration: configuration, logger: logger) { clock.now() }
            let replicaB: any ApplicationProtocol
            do {
                replicaB = try await buildAuthServer(configuration: configuration, logger: logger) { clock.now() }
            } catch {
                // A's Verify client is shut down by running it: one left unshut traps in its
                // deinit and would hide this error behind a crash
                try await replicaA.test(.live) { _ in }
                throw error
            }
            try await replicaA.test(.live) { a in
                try await replicaB.test(.live) { b in
                    try await body(
                        Stack(auth: a, emulator: emulator, tokenClock: clock, configuration: settings),
                        Stack(auth: b, emulator: emulator, tokenClock: clock, configuration: settings))
                }
            }
        }
    }

    /// Polls `check` every 50 ms; true once it holds, false if it did not within `limit`.
    func within(_ limit: Duration, _ check: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await check() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await check()
    }

    @Test("a logout at A is refused at B within a second, with no query per request")
    func logout() async throws {
        try await withReplicas { a, b in
            let session = try await a.loginWithRefresh("+14155550201")
            #expect(try await b.protected("Bearer \(session.access)").0 == .ok)
            #expect(try await a.bearerPost("/api/auth/logout", session.access).0 == .ok)
            #expect(
                try await within(.seconds(1)) { try await b.protected("Bearer \(session.access)").0 == .unauthorized })
        }
    }

    @Test("a person deleted at A is refused at B within a second: a phone login and an account")
    func deletion() async throws {
        try await withReplicas(configure: { $0.smsGate.reviewNumbers.codes = ["+15555550160": "246810"] }) { a, b in
            let phone = "+15555550160"
            let (_, login, _) = try await a.post(
                "/api/auth/verify-code", #"{"phone_number": "\#(phone)", "code": "246810"}"#)
            let access = try #require(login["token"] as? String)
            #expect(try await b.protected("Bearer \(access)").0 == .ok)
            #expect(try await a.json(.delete, "/api/auth/me", #"{"code": "246810"}"#, token: access).0 == .ok)
            #expect(try await within(.seconds(1)) { try await b.protected("Bearer \(access)").0 == .unauthorized })

            let account = try await a.signUp("replicated")
            #expect(try await b.protected("Bearer \(account)").0 == .ok)
            #expect(
                try await a.json(
                    .delete, "/api/accounts/me", #"{"current_password": "correct-horse-battery"}"#, token: account
                ).0 == .ok)
            #expect(try await within(.seconds(1)) { try await b.protected("Bearer \(account)").0 == .unauthorized })
        }
    }

    @Test("a refresh replay detected at A revokes the family's tokens at B within a second")
    func replay() async throws {
        try await withReplicas { a, b in
            let first = try await a.loginWithRefresh("+14155550202")
            let (rotated, next, _) = try await a.post("/api/auth/refresh", #"{"refresh_token": "\#(first.refresh)"}"#)
            #expect(rotated == .ok)
            let access = try #require(next["access_token"] as? String)
            #expect(try await b.protected("Bearer \(access)").0 == .ok)
            // the old token again: a leak; its whole family goes
            #expect(
                try await a.post("/api/auth/refresh", #"{"refresh_token": "\#(first.refresh)"}"#).0 == .unauthorized)
            #expect(try await within(.seconds(1)) { try await b.protected("Bearer \(access)").0 == .unauthorized })
        }
    }

    @Test("one refresh token sent to A and B at the same moment rotates exactly once")
    func concurrentRefresh() async throws {
        try await withReplicas { a, b in
            for number in 0..<5 {
                let session = try await a.loginWithRefresh("+1415555021\(number)")
                let body = #"{"refresh_token": "\#(session.refresh)"}"#
                async let atA = a.post("/api/auth/refresh", body)
                async let atB = b.post("/api/auth/refresh", body)
                let statuses = [try await atA.0, try await atB.0]
                #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
                #expect(statuses.filter { $0 == .unauthorized }.count == 1, "\(statuses)")
            }
        }
    }

    @Test("per-phone send limits count the requests of both replicas together")
    func sharedLimits() async throws {
        try await withReplicas(configure: { $0.sendLimitPerPhone = 4 }) { a, b in
            let body = #"{"phone_number": "+14155550220"}"#
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<6 {
                statuses.append(try await (index.isMultiple(of: 2) ? a : b).post("/api/auth/send-verification", body).0)
            }
            #expect(
                statuses.prefix(4).allSatisfy { $0 == .ok } && statuses.suffix(2).allSatisfy { $0 == .tooManyRequests },
                "\(statuses)")
        }
    }

    @Test("a password change at A refuses the account's tokens at B; a web session made at A is valid at B")
    func accountsAndSessions() async throws {
        try await withReplicas { a, b in
            let browserA = a.browser()
            try await browserA.register("zoe")
            let browserB = b.browser()
            browserB.cookies.withLock { $0 = browserA.cookies.withLock { $0 } }
            #expect(try await browserB.get("/profile").body.contains("<h1>zoe</h1>"))

            let (_, tokens, _) = try await a.json(
                .post, "/api/accounts/login", #"{"login": "zoe", "password": "correct-horse-battery"}"#)
            let access = try #require(tokens["access_token"] as? String)
            #expect(try await b.json(.get, "/api/accounts/me", token: access).0 == .ok)
            a.tokenClock.advance(2)
            let (changed, _, _) = try await a.json(
                .post, "/api/accounts/password",
                #"{"current_password": "correct-horse-battery", "password": "another-pass-1"}"#, token: access)
            #expect(changed == .ok)
            #expect(
                try await within(.seconds(1)) {
                    try await b.json(.get, "/api/accounts/me", token: access).0 == .unauthorized
                })
            #expect(try await browserB.get("/profile").location == "/login")
        }
    }
}
