import Foundation
import HTTPTypes
import Testing
import VerifyWire

@testable import VerifyEmulator

/// Twilio's response headers and methods: `Twilio-Request-Id`, the 429 headers, CORS and
/// `OPTIONS`, `HEAD`; and bodies that are byte-identical for identical requests.
@Suite("Twilio's headers, OPTIONS and HEAD, stable JSON")
struct HeadersTests {
    static let requestId = HTTPField.Name("Twilio-Request-Id")!
    static let reachedLimit = HTTPField.Name("Twilio-Reached-Rate-Limit")!
    static let allowOrigin = HTTPField.Name("Access-Control-Allow-Origin")!
    static let allowMethods = HTTPField.Name("Access-Control-Allow-Methods")!
    static let allowCredentials = HTTPField.Name("Access-Control-Allow-Credentials")!

    static func isRequestId(_ text: String?) -> Bool {
        guard let text else { return false }
        return SID(text, expecting: .request) != nil
    }

    @Test("every Twilio API response, errors too, has its own Twilio-Request-Id, also in the request log")
    func requestIds() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let fetched = try await api.get("/v2/Services/\(service)")
            let missing = try await api.get("/v2/Services/VA\(String(repeating: "9", count: 32))")
            let unauthorized = try await api.get("/v2/Services", auth: nil)
            let ids = [fetched, missing, unauthorized].map { $0.headers[Self.requestId] }
            #expect(ids.allSatisfy(Self.isRequestId) && Set(ids).count == 3)
            #expect(missing.status == .notFound && unauthorized.status == .unauthorized)
            let log = try await api.get("/emulator/v1/requests?limit=3", auth: nil)
            let logged = (log.json["requests"] as? [[String: Any]])?.compactMap { $0["request_id"] as? String }
            #expect(logged == ids.reversed().compactMap { $0 })
            // the control API is not Twilio's
            #expect(log.headers[Self.requestId] == nil)
        }
    }

    @Test("a 429 says when to retry and which limit it reached")
    func tooManyRequests() async throws {
        try await withEmulator(configure: { $0.clock.set(to: TOTPFactorTests.start, frozen: true) }) { api in
            let service = try await api.createService()
            for _ in 0..<5 { _ = try await api.startVerification(service, to: "+15005550006") }
            api.clock.advance(by: .seconds(100))
            let refused = try await api.startVerification(service, to: "+15005550006")
            #expect(refused.status == .tooManyRequests && refused.error?.code == 60203)
            // the first of the five sends leaves the 10-minute window 500 s from now
            #expect(refused.headers[.retryAfter] == "500")
            #expect(refused.headers[Self.reachedLimit] == "send_attempts")
            api.clock.advance(by: .seconds(500))
            #expect(try await api.startVerification(service, to: "+15005550006").status == .created)

            _ = try await api.post("/v2/Services/\(service)/RateLimits", [("UniqueName", "end_user_ip_address")])
            _ = try await api.post(
                "/v2/Services/\(service)/RateLimits/end_user_ip_address/Buckets", [("Max", "2"), ("Interval", "60")])
            let ip = [("RateLimits", #"{"end_user_ip_address": "1.2.3.4"}"#)]
            _ = try await api.startVerification(service, to: "+15005550001", ip)
            api.clock.advance(by: .seconds(10))
            _ = try await api.startVerification(service, to: "+15005550002", ip)
            api.clock.advance(by: .seconds(5))
            let limited = try await api.startVerification(service, to: "+15005550003", ip)
            #expect(limited.error?.code == 20429)
            #expect(limited.headers[.retryAfter] == "45" && limited.headers[Self.reachedLimit] == "end_user_ip_address")
        }
    }

    @Test("CORS headers on every response; OPTIONS answers without credentials; HEAD is GET without a body")
    func corsOptionsAndHead() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let plain = try await api.get("/v2/Services/\(service)")
            #expect(plain.headers[Self.allowOrigin] == "*" && plain.headers[Self.allowCredentials] == nil)
            let fromPage = try await api.client.execute(
                uri: "/v2/Services/\(service)", method: .get,
                headers: [.authorization: TestAccounts.mainAuth, .init("Origin")!: "http://localhost:3000"]
            ) { $0 }
            #expect(fromPage.headers[Self.allowOrigin] == "http://localhost:3000")
            #expect(fromPage.headers[Self.allowCredentials] == "true")

            let preflight = try await api.request(.options, "/v2/Services/\(service)/Verifications", auth: nil)
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[Self.allowMethods] == "POST, OPTIONS")
            #expect(preflight.headers[.allow] == "POST, OPTIONS")
            #expect(Self.isRequestId(preflight.headers[Self.requestId]))

            let head = try await api.request(.head, "/v2/Services/\(service)")
            #expect(head.status == .ok && head.body.isEmpty)
            #expect(try await api.request(.head, "/v2/Services/\(service)", auth: nil).status == .unauthorized)
            let notAllowed = try await api.request(.head, "/v2/Services/\(service)/VerificationCheck")
            #expect(notAllowed.status == .methodNotAllowed)
        }
    }

    @Test("identical requests get byte-identical bodies, keys in a fixed order")
    func stableJSON() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            _ = try await api.post("/v2/Services/\(service)/RateLimits", [("UniqueName", "per_ip")])
            for path in [
                "/v2/Services/\(service)", "/v2/Services", "/v2/Services/\(service)/RateLimits",
                "/v2/Services/VA\(String(repeating: "9", count: 32))",
            ] {
                var bodies = Set<Data>()
                for _ in 0..<8 { bodies.insert(try await api.get(path).body) }
                #expect(bodies.count == 1, "\(path)")
            }
        }
    }
}
