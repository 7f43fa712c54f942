import Foundation
import HTTPTypes
import Testing
import VerifyEmulator
import VerifyEmulatorTesting
import VerifyWire

@Suite("GET /metrics: requests, verifications, checks, messages and faults in Prometheus' text format")
struct MetricsTests {
    func scrape(_ api: EmulatorClient) async throws -> PrometheusSamples {
        let response = try await api.get("/metrics", auth: nil)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
        return PrometheusSamples(String(decoding: response.body, as: UTF8.self))
    }

    @Test("the counters move with what the emulator does; routes are patterns, never raw paths")
    func countersMove() async throws {
        try await withEmulator { api in
            let before = try await scrape(api)
            #expect(before["verify_emulator_build_info"] == 1)
            #expect(before.samples.first { $0.name == "verify_emulator_build_info" }?.labels["version"] != nil)
            #expect(before["verify_emulator_checks_total"] == nil)

            let (service, _, code, wrongCode) = try await api.startWithCode()
            #expect(try await api.check(service, code: wrongCode).status == .ok)
            #expect(try await api.check(service, code: code).status == .ok)
            #expect(try await api.check(service, code: code).status == .notFound)
            _ = try await api.startVerification(service, to: "+15005550100", channel: "call")
            // a fault rule that fires once with Twilio's 60410
            let fault = try await api.postJSON(
                "/emulator/v1/faults", ["endpoint": "verifications", "error": ["code": 60410], "times": 1], auth: nil)
            #expect(fault.status == .created)
            #expect(try await api.startVerification(service, to: "+15005550101").status == .forbidden)
            _ = try await api.get("/v2/Services/VA\(String(repeating: "9", count: 32))", auth: TestAccounts.mainAuth)
            _ = try await api.get("/no/such/page/12345", auth: nil)

            let after = try await scrape(api)
            #expect(after["verify_emulator_verifications_started_total", ["channel": "sms"]] == 1)
            #expect(after["verify_emulator_verifications_started_total", ["channel": "call"]] == 1)
            #expect(after["verify_emulator_checks_total", ["result": "wrong_code"]] == 1)
            #expect(after["verify_emulator_checks_total", ["result": "approved"]] == 1)
            #expect(after["verify_emulator_checks_total", ["result": "not_found"]] == 1)
            #expect(after["verify_emulator_messages_total", ["channel": "sms"]] == 1)
            #expect(after["verify_emulator_messages_total", ["channel": "call"]] == 1)
            #expect(after["verify_emulator_faults_fired_total", ["endpoint": "verifications", "effect": "error"]] == 1)

            let starts = ["route": "/v2/Services/:service/Verifications", "method": "POST"]
            #expect(after["http_requests_total", starts.merging(["status": "201"]) { $1 }] == 2)
            #expect(after["http_requests_total", starts.merging(["status": "403"]) { $1 }] == 1)
            #expect(after["http_request_duration_seconds_count", starts] == 3)
            #expect(after.types["http_request_duration_seconds"] == "histogram")
            #expect(
                after["http_requests_total", ["route": "/v2/Services/:service", "method": "GET", "status": "404"]] == 1)
            #expect(after["http_requests_total", ["route": "NotFound", "status": "404"]] == 1)
            // no raw path, SID or number reaches a label: the label set stays small
            let labels = after.samples.flatMap(\.labels.values)
            #expect(!labels.contains { $0.contains("VA99") || $0.contains("12345") || $0.contains("+1500") })
            #expect(after["http_requests_total", ["route": "/metrics", "method": "GET", "status": "200"]] == 1)
        }
    }

    @Test("each emulator counts its own: two in one process do not mix")
    func separateRegistries() async throws {
        try await withEmulator { first in
            _ = try await first.startVerification(try await first.createService())
            try await withEmulator { second in
                let fresh = try await scrape(second)
                let used = try await scrape(first)
                #expect(fresh["verify_emulator_verifications_started_total"] == nil)
                #expect(used["verify_emulator_verifications_started_total"] == 1)
            }
        }
    }
}
