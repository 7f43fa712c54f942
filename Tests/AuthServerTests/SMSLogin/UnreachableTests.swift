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
            // bounded by the 2 s timeout (a refused connection is faster still); the bound leaves
            // room for two cores running the whole suite in parallel: a hang would never end
            #expect(ContinuousClock.now - started < .seconds(30))
        }
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
