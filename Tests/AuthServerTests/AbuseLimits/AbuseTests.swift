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

    static func send(_ stack: Stack, phone: String, forwardedFor: String) async throws -> HTTPResponse.Status {
        try await stack.auth.execute(
            uri: "/api/auth/send-verification", method: .post,
            headers: [.contentType: "application/json", .init("X-Forwarded-For")!: forwardedFor],
            body: ByteBuffer(string: #"{"phone_number": "\#(phone)"}"#)
        ) { $0.status }
    }

    @Test("behind a trusted proxy the client IP is the entry the proxy appended, not what the client wrote")
    func trustedProxy() async throws {
        try await withStack(
            configure: {
                $0.sendLimitPerIP = 2
                $0.trustedProxies = 1
            }, emulator: { _ in }
        ) { stack in
            // the client invents a new leftmost address each time; the proxy's entry stays
            var statuses: [HTTPResponse.Status] = []
            for (index, client) in ["198.51.100.1", "198.51.100.2", "198.51.100.3"].enumerated() {
                statuses.append(
                    try await Self.send(stack, phone: "+1415555019\(index)", forwardedFor: "\(client), 203.0.113.7"))
            }
            #expect(statuses == [.ok, .ok, .tooManyRequests])
            // another client behind the same proxy is another key
            let other = try await Self.send(stack, phone: "+14155550193", forwardedFor: "203.0.113.8")
            #expect(other == .ok)
        }
        try await withStack(
            configure: {
                $0.sendLimitPerIP = 1
                $0.trustedProxies = 2
            }, emulator: { _ in }
        ) { stack in
            // two proxies: the client is the entry two from the right, whatever is left of it
            let first = try await Self.send(
                stack, phone: "+14155550194", forwardedFor: "1.1.1.1, 203.0.113.9, 10.0.0.2")
            let second = try await Self.send(
                stack, phone: "+14155550195", forwardedFor: "2.2.2.2, 203.0.113.9, 10.0.0.2")
            #expect(first == .ok)
            #expect(second == .tooManyRequests)
        }
    }

    @Test("TRUST_PROXY takes a number of proxies, 0 to 10, and names itself otherwise")
    func trustProxySetting() throws {
        #expect(try AuthConfiguration.fromEnvironment(["TRUST_PROXY": "2"]).trustedProxies == 2)
        #expect(try AuthConfiguration.fromEnvironment([:]).trustedProxies == 0)
        #expect(throws: AuthConfiguration.Invalid.self) {
            try AuthConfiguration.fromEnvironment(["TRUST_PROXY": "yes"])
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
