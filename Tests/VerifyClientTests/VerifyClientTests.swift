import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import VerifyClient
import VerifyEmulator
import VerifyEmulatorTesting
import VerifyWire

let account = TwilioAccount(
    sid: SID("AC33333333333333333333333333333333")!, authToken: "client-token",
    apiKeys: [.init(sid: SID("SK33333333333333333333333333333333")!, secret: "client-key-secret")])

/// Runs `body` with a client pointed at a fresh in-process emulator on loopback.
func withClient(
    credentials: VerifyClient.Credentials = .authToken(accountSid: account.sid.rawValue, authToken: account.authToken),
    timeout: Duration = .seconds(30),
    configure: (inout EmulatorConfiguration) -> Void = { _ in },
    _ body: @Sendable (VerifyClient, RunningEmulator) async throws -> Void
) async throws {
    var logger = Logger(label: "verify-client-test")
    logger.logLevel = .warning
    try await withVerifyEmulator(logger: logger) { configuration in
        configuration.accounts = [account]
        configure(&configuration)
    } _: { emulator in
        let client = VerifyClient(
            configuration: .init(baseURL: emulator.baseURL + "/", credentials: credentials, timeout: timeout))
        do {
            try await body(client, emulator)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}

@Suite("VerifyClient against the emulator")
struct VerifyClientTests {
    @Test("services: create, fetch, update, list across pages, delete")
    func services() async throws {
        try await withClient { client, _ in
            var sids: [String] = []
            for index in 0..<5 {
                sids.append(try await client.createService(.init(friendlyName: "App \(index)", codeLength: 4)).sid)
            }
            #expect(try await client.fetchService(sid: sids[0]).codeLength == 4)
            let updated = try await client.updateService(
                sid: sids[0], .init(friendlyName: "Renamed", customCodeEnabled: true))
            #expect(updated.friendlyName == "Renamed" && updated.customCodeEnabled)
            #expect(try await client.listServices(pageSize: 2).map(\.sid) == sids)
            try await client.deleteService(sid: sids[4])
            #expect(try await client.listServices().count == 4)
        }
    }

    @Test("start, check wrong and right codes, fetch, update")
    func verificationFlow() async throws {
        try await withClient { client, emulator in
            let service = try await client.createService(.init(friendlyName: "Login")).sid
            let started = try await client.startVerification(serviceSid: service, to: "+15005550006", channel: .sms)
            #expect(started.status == .pending)
            #expect(try await client.fetchVerification(serviceSid: service, sid: started.sid).sid == started.sid)
            let code = try #require(try await emulator.lastCode(to: "+15005550006"))
            let wrong = try await client.checkVerification(
                serviceSid: service, to: "+15005550006", code: code == "000000" ? "111111" : "000000")
            #expect(wrong.status == .pending && !wrong.valid)
            let right = try await client.checkVerification(
                serviceSid: service, verificationSid: started.sid, code: code)
            #expect(right.status == .approved && right.valid)

            let second = try await client.startVerification(
                serviceSid: service, to: "user@example.com", channel: .email, options: .init(locale: "fr"))
            let canceled = try await client.updateVerification(serviceSid: service, sid: second.sid, status: .canceled)
            #expect(canceled.status == .canceled)
        }
    }

    @Test("Twilio errors surface as typed errors with code and status")
    func typedErrors() async throws {
        try await withClient { client, _ in
            let service = try await client.createService(.init(friendlyName: "Errors")).sid
            await #expect(throws: VerifyClientError.self) {
                try await client.startVerification(serviceSid: service, to: "5005550006", channel: .sms)
            }
            do {
                _ = try await client.startVerification(serviceSid: service, to: "5005550006", channel: .sms)
            } catch let error as VerifyClientError {
                guard case .twilio(let twilio) = error else { throw error }
                #expect(twilio.code == 60200 && twilio.status == 400 && twilio.message == "Invalid parameter: To")
            }
            do {
                _ = try await client.fetchService(sid: "VA" + String(repeating: "0", count: 32))
                Issue.record("expected 20404")
            } catch let error as VerifyClientError {
                #expect(error.code == 20404)
            }
            for _ in 0..<5 {
                _ = try await client.startVerification(serviceSid: service, to: "+15005550006", channel: .sms)
            }
            do {
                _ = try await client.startVerification(serviceSid: service, to: "+15005550006", channel: .sms)
                Issue.record("expected 60203")
            } catch let error as VerifyClientError {
                #expect(error.code == 60203)
            }
        }
    }

    @Test("wrong credentials are 20003; API keys work")
    func credentials() async throws {
        try await withClient(credentials: .authToken(accountSid: account.sid.rawValue, authToken: "wrong")) {
            client, _ in
            do {
                _ = try await client.listServices()
                Issue.record("expected 20003")
            } catch let error as VerifyClientError {
                #expect(error.code == 20003)
            }
        }
        try await withClient(
            credentials: .apiKey(sid: "SK33333333333333333333333333333333", secret: "client-key-secret")
        ) {
            client, _ in
            let service = try await client.createService(.init(friendlyName: "Keyed"))
            #expect(service.accountSid == account.sid.rawValue)
        }
    }

    @Test("rate limits and buckets, enforced on start")
    func rateLimits() async throws {
        try await withClient { client, _ in
            let service = try await client.createService(.init(friendlyName: "Limited")).sid
            let limit = try await client.createRateLimit(serviceSid: service, uniqueName: "ip", description: "per IP")
            #expect(try await client.fetchRateLimit(serviceSid: service, sid: "ip").sid == limit.sid)
            let bucket = try await client.createBucket(
                serviceSid: service, rateLimitSid: limit.sid, max: 1, interval: 60)
            #expect(
                try await client.listBuckets(serviceSid: service, rateLimitSid: limit.sid).map(\.sid) == [bucket.sid])
            #expect(try await client.listRateLimits(serviceSid: service).count == 1)
            let options = VerifyClient.StartOptions(rateLimits: ["ip": "9.9.9.9"])
            _ = try await client.startVerification(
                serviceSid: service, to: "+15005550001", channel: .sms, options: options)
            do {
                _ = try await client.startVerification(
                    serviceSid: service, to: "+15005550002", channel: .sms, options: options)
                Issue.record("expected 20429")
            } catch let error as VerifyClientError {
                #expect(error.code == 20429)
            }
            try await client.deleteBucket(serviceSid: service, rateLimitSid: limit.sid, sid: bucket.sid)
            try await client.deleteRateLimit(serviceSid: service, sid: limit.sid)
            #expect(try await client.listRateLimits(serviceSid: service).isEmpty)
        }
    }

    @Test("a slow answer is a timeout, never a hang")
    func timeout() async throws {
        let slow = FaultRule(endpoint: .verifications, latencyMs: 5000)
        let service = ServiceFixture(
            sid: SID("VA" + String(repeating: "5", count: 32))!, accountSid: account.sid, friendlyName: "Slow")
        try await withClient(
            timeout: .seconds(1),
            configure: {
                $0.faults = [slow]
                $0.services = [service]
            }
        ) {
            client, _ in
            // the emulator answers after 5 s: a timeout proves the client's 1 s cut the call short
            await #expect(throws: VerifyClientError.timeout) {
                try await client.startVerification(serviceSid: service.sid.rawValue, to: "+15005550006", channel: .sms)
            }
        }
    }

    @Test("an unreachable host is a transport error")
    func unreachable() async throws {
        let client = VerifyClient(
            configuration: .init(
                baseURL: "http://127.0.0.1:9", credentials: .authToken(accountSid: "AC1", authToken: "x"),
                timeout: .seconds(2)))
        do {
            _ = try await client.listServices()
            Issue.record("expected an error")
        } catch let error as VerifyClientError {
            switch error {
            case .transport, .timeout: break
            default: Issue.record("unexpected \(error)")
            }
        }
        try await client.shutdown()
    }

    @Test("redirects are not followed, so credentials never leave the configured host")
    func noRedirects() async throws {
        let router = Router()
        router.get("/v2/Services") { _, _ -> Response in
            Response(status: .found, headers: [.location: "http://127.0.0.1:9/steal"])
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { testClient in
            let port = try #require(testClient.port)
            let client = VerifyClient(
                configuration: .init(
                    baseURL: "http://127.0.0.1:\(port)", credentials: .authToken(accountSid: "AC1", authToken: "secret")
                ))
            do {
                _ = try await client.listServices()
                Issue.record("expected an error")
            } catch let error as VerifyClientError {
                #expect(error == .invalidResponse(status: 302, body: ""))
            }
            try await client.shutdown()
        }
    }
}

/// The README's Swift test sample, as it stands there, so the sample keeps compiling and working.
@Test("README sample: with an in-process emulator, a code expires on its clock without sleeping")
func readmeSample() async throws {
    try await withVerifyEmulator { emulator in
        let account = TwilioAccount.default  // AC000… / emulator-auth-token
        let client = VerifyClient(
            configuration: .init(
                baseURL: emulator.baseURL,
                credentials: .authToken(accountSid: account.sid.rawValue, authToken: account.authToken)))
        let service = ServiceFixture.default.sid.rawValue  // VA000…
        do {
            _ = try await client.startVerification(serviceSid: service, to: "+15005550006", channel: .sms)
            let code = try #require(try await emulator.lastCode(to: "+15005550006"))
            emulator.clock.advance(by: .seconds(601))  // no sleeping: the code is now expired
            await #expect(throws: VerifyClientError.self) {
                _ = try await client.checkVerification(serviceSid: service, to: "+15005550006", code: code)
            }
        } catch {
            try await client.shutdown()  // a client is always shut down
            throw error
        }
        try await client.shutdown()
    }
}
