import Foundation
import HTTPTypes
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Fault injection")
struct FaultTests {
    @Test("a one-shot fault fails the next matching request only")
    func oneShot() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let added = try await api.control(
                .post, "/emulator/v1/faults",
                json: #"{"endpoint": "verifications", "to": "+1500555*", "error": {"code": 60410}, "times": 1}"#)
            #expect(added.status == .created)
            #expect((added.json["id"] as? String)?.hasPrefix("FR") == true)
            let blocked = try await api.startVerification(service)
            #expect(blocked.status == .forbidden)
            #expect(blocked.error?.code == 60410)
            #expect(blocked.error?.message == "Verification delivery attempt blocked")
            #expect(try await api.lastMessage() == nil, "a faulted start sends nothing")
            #expect(try await api.startVerification(service).status == .created)
            let rules = try await api.control(.get, "/emulator/v1/faults").decode([String: [FaultRule]].self)
            #expect(rules["faults"]?.isEmpty == true)
        }
    }

    @Test("a persistent fault matches its endpoint, service and recipient pattern only")
    func persistent() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let other = try await api.createService("Other")
            _ = try await api.control(
                .post, "/emulator/v1/faults",
                json:
                    #"{"endpoint": "verifications", "service_sid": "\#(service)", "to": "+1*99", "error": {"code": 503, "status": 503, "message": "Down"}}"#
            )
            for _ in 0..<2 {
                let failed = try await api.startVerification(service, to: "+15005550099")
                #expect(failed.status == .serviceUnavailable)
                #expect(failed.error?.code == 503 && failed.error?.message == "Down")
            }
            #expect(try await api.startVerification(service, to: "+15005550098").status == .created)
            #expect(try await api.startVerification(other, to: "+15005550099").status == .created)
            #expect(try await api.get("/v2/Services/\(service)").status == .ok)
            #expect(try await api.control(.delete, "/emulator/v1/faults/FR1").status == .noContent)
            #expect(try await api.control(.delete, "/emulator/v1/faults/FR1").status == .notFound)
            #expect(try await api.startVerification(service, to: "+15005550099").status == .created)
        }
    }

    @Test("latency-only faults slow a request down without failing it")
    func latency() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            _ = try await api.control(
                .post, "/emulator/v1/faults", json: #"{"endpoint": "verification_checks", "latency_ms": 400}"#)
            _ = try await api.startVerification(service)
            let started = ContinuousClock.now
            let check = try await api.check(service, code: "123456")
            #expect(check.status == .ok)
            #expect(ContinuousClock.now - started >= .milliseconds(390))
            let log = try await api.get("/emulator/v1/requests?limit=1", auth: nil)
                .decode([String: [RequestLogEntry]].self)["requests"]
            #expect((log?.first?.durationMs ?? 0) >= 390)
        }
    }

    @Test(
        "bad fault rules are 400",
        arguments: [
            #"{"endpoint": "everything", "error": {"code": 60410}}"#, #"{"endpoint": "verifications"}"#,
            #"{"error": {"code": 12345}}"#, #"{"error": {"code": 60410}, "times": 0}"#,
            #"{"latency_ms": 999999}"#, #"{"error": {"code": 1, "status": 200}}"#,
        ])
    func badRules(body: String) async throws {
        try await withEmulator { api in
            let response = try await api.control(.post, "/emulator/v1/faults", json: body)
            #expect(response.status == .badRequest)
        }
    }

    @Test("the shipped magic numbers trigger Twilio's common errors")
    func magicNumbers() async throws {
        let root = repositoryRoot()
        let fixtures = try Fixtures.load(path: root.appendingPathComponent("fixtures/magic-numbers.json").path)
        try await withEmulator(configure: { $0.add(fixtures) }) { api in
            let service = try await api.createService()
            let expected: [(String, Int, Int)] = [
                ("+15005550001", 400, 60200), ("+15005550002", 400, 60205), ("+15005550003", 403, 60410),
                ("+15005550004", 429, 60212), ("+15005550005", 429, 60203), ("+15005550007", 429, 20429),
                ("+15005550008", 500, 20500), ("+15005550009", 503, 20503), ("+15005550013", 400, 60540),
            ]
            for (number, status, code) in expected {
                let response = try await api.startVerification(service, to: number)
                #expect(Int(response.status.code) == status, "\(number)")
                #expect(response.error?.code == code, "\(number)")
            }
            #expect(try await api.startVerification(service, to: "+15005550006").status == .created)
            _ = try await api.startVerification(service, to: "+15005550011")
            #expect(try await api.check(service, to: "+15005550011", code: "123456").error?.code == 60202)
        }
    }

    @Test("glob patterns")
    func glob() {
        #expect(FaultRule.glob("+1500*", matches: "+15005550006"))
        #expect(FaultRule.glob("*0006", matches: "+15005550006"))
        #expect(FaultRule.glob("+1*55*06", matches: "+15005550006"))
        #expect(FaultRule.glob("+15005550006", matches: "+15005550006"))
        #expect(!FaultRule.glob("+15005550006", matches: "+15005550007"))
        #expect(!FaultRule.glob("+44*", matches: "+15005550006"))
        #expect(!FaultRule.glob("+1*1*1", matches: "+11"))
    }
}
