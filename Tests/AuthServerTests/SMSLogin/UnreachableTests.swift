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

@Suite("Auth server: Twilio unreachable")
struct UnreachableTests {
    /// An auth server with production settings whose Verify is at `baseURL`, with a 2 s timeout.
    func server(verifyAt baseURL: String) async throws -> some ApplicationProtocol {
        var configuration = try AuthConfiguration.fromEnvironment([
            "TWILIO_ACCOUNT_SID": "AC" + String(repeating: "a", count: 32), "TWILIO_AUTH_TOKEN": "token",
            "TWILIO_VERIFY_SERVICE_SID": "VA" + String(repeating: "b", count: 32), "SECRET_KEY": secret,
            "TWILIO_VERIFY_BASE_URL": baseURL, "TWILIO_TIMEOUT": "2",
        ])
        configuration.port = 0
        configuration.databasePath = ":memory:"
        var logger = Logger(label: "auth-unreachable")
        logger.logLevel = .critical
        return try await buildAuthServer(configuration: configuration, logger: logger)
    }

    @Test("an unreachable Verify answers 502 JSON at once, never a hang")
    func unreachable() async throws {
        let server = try await server(verifyAt: "http://127.0.0.1:9")
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
            // bounded by the 2 s timeout (a refused connection is faster still); the bound leaves
            // room for two cores running the whole suite in parallel: a hang would never end
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }

    @Test("a Verify answer that stalls mid-body is a 504; ten of them at once do not take later sends down")
    func stalledBody() async throws {
        let upstream = try await StallingUpstream(healthyCode: 60200)
        let server = try await server(verifyAt: upstream.baseURL)
        try await server.test(.live) { client in
            let port = try #require(client.port)
            // each on a connection of its own, as ten app users would be
            @Sendable func send(_ number: Int) async throws -> (HTTPResponse.Status, String) {
                let connection = TestClient(host: "127.0.0.1", port: port)
                connection.connect()
                defer { Task { try? await connection.shutdown() } }
                let response = try await connection.execute(
                    .init(
                        "/api/auth/send-verification", method: .post, headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: #"{"phone_number": "+141555502\#(number)"}"#)))
                return (response.status, String(buffer: response.body ?? ByteBuffer()))
            }
            // ten stalled answers at once (more than the client's pool of 8 connections)
            let stalled = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for number in 10..<20 { group.addTask { try await send(number).0 } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(stalled == Array(repeating: .gatewayTimeout, count: 10))
            // Verify is healthy again: the next sends get its answer (here a 60200: a 400), not a 502/504
            upstream.stalling.store(false, ordering: .relaxed)
            for number in 20..<23 {
                let (status, body) = try await send(number)
                #expect(status == .badRequest && body.contains("Invalid phone number"), "\(body)")
            }
        }
        try await upstream.close()
    }

    @Test("development mode with no emulator answering stops start-up with one line naming the URL")
    func developmentModeWithoutEmulator() async throws {
        var configuration = try AuthConfiguration.fromEnvironment([
            "TWILIO_VERIFY_BASE_URL": "http://127.0.0.1:9", "AUTH_SERVER_DEVELOPMENT": "1", "SECRET_KEY": secret,
            "TWILIO_TIMEOUT": "2",
        ])
        configuration.port = 0
        configuration.databasePath = ":memory:"
        var logger = Logger(label: "auth-no-emulator")
        logger.logLevel = .critical
        let started = ContinuousClock.now
        let error = await #expect(throws: StartupError.self) {
            _ = try await buildAuthServer(configuration: configuration, logger: logger)
        }
        #expect(error?.description.contains("http://127.0.0.1:9") == true)
        #expect(error?.description.contains("verify-emulator") == true)
        // bounded by TWILIO_TIMEOUT (the client retries a refused connection until then), never a hang
        #expect(ContinuousClock.now - started < .seconds(30))
    }
}
