import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("VerificationCheck")
struct CheckTests {
    @Test("a right code approves; a wrong one stays pending; approved ones are then gone")
    func approve() async throws {
        try await withEmulator { api in
            let (service, started, code, wrongCode) = try await api.startWithCode()

            let wrong = try await api.check(service, code: wrongCode)
            #expect(wrong.status == .ok)
            #expect(Set(wrong.json.keys) == (try specProperties("verify.v2.service.verification_check")))
            let pending = try wrong.decode(VerificationCheckResource.self)
            #expect(pending.status == .pending)
            #expect(pending.valid == false)
            #expect(pending.sid == started.sid)

            let right = try await api.check(service, code: code)
            #expect(right.status == .ok)
            let approved = try right.decode(VerificationCheckResource.self)
            #expect(approved.status == .approved)
            #expect(approved.valid == true)

            let again = try await api.check(service, code: code)
            #expect(again.status == .notFound)
            #expect(again.error?.code == 20404)
            #expect(try await api.get("/v2/Services/\(service)/Verifications/\(started.sid)").status == .notFound)
        }
    }

    @Test("check by VerificationSid")
    func bySid() async throws {
        try await withEmulator { api in
            let (service, started, code, _) = try await api.startWithCode()
            let response = try await api.post(
                "/v2/Services/\(service)/VerificationCheck", [("VerificationSid", started.sid), ("Code", code)])
            #expect(try response.decode(VerificationCheckResource.self).status == .approved)
        }
    }

    @Test("five wrong checks finish it; the sixth is 429/60202; then 404")
    func attemptLimit() async throws {
        try await withEmulator { api in
            let (service, _, code, wrongCode) = try await api.startWithCode()
            for attempt in 1...5 {
                let response = try await api.check(service, code: wrongCode)
                #expect(response.status == .ok)
                let expected: VerificationStatus = attempt < 5 ? .pending : .maxAttemptsReached
                #expect(try response.decode(VerificationCheckResource.self).status == expected)
            }
            let limited = try await api.check(service, code: code)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.error?.code == 60202)
            #expect(limited.error?.message == "Max check attempts reached")
            let gone = try await api.check(service, code: code)
            #expect(gone.status == .notFound)
        }
    }

    @Test("codes expire after the configured expiry (default 600 s)")
    func expiry() async throws {
        try await withEmulator { api in
            // frozen, so the one-second margin below does not depend on how busy the machine is
            api.clock.freeze()
            let (service, started, code, _) = try await api.startWithCode()
            api.clock.advance(by: .seconds(599))
            #expect(try await api.get("/v2/Services/\(service)/Verifications/\(started.sid)").status == .ok)
            api.clock.advance(by: .seconds(1))
            #expect(try await api.get("/v2/Services/\(service)/Verifications/\(started.sid)").status == .notFound)
            let expired = try await api.check(service, code: code)
            #expect(expired.status == .notFound)
            #expect(expired.error?.code == 20404)
            // a new start after expiry is a new verification with a new SID
            let fresh = try await api.startVerification(service).decode(VerificationResource.self)
            #expect(fresh.sid != started.sid)
        }
        try await withEmulator(configure: { $0.codeExpiry = .seconds(30) }) { api in
            let (service, _, code, _) = try await api.startWithCode()
            api.clock.advance(by: .seconds(31))
            #expect(try await api.check(service, code: code).status == .notFound)
        }
    }

    @Test(
        "bad check parameters get 400/60200",
        arguments: [
            ([("To", "+15005550006")], "Code"),
            ([("To", "+15005550006"), ("Code", "123")], "Code"),
            ([("To", "+15005550006"), ("Code", "12345678901")], "Code"),
            ([("Code", "123456")], "To"),
            ([("Code", "123456"), ("VerificationSid", "VE123")], "VerificationSid"),
        ])
    func invalidCheck(form: [(String, String)], parameter: String) async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            // pending by SMS: a check needs its code (only an SNA check has none)
            _ = try await api.startVerification(service)
            let response = try await api.post("/v2/Services/\(service)/VerificationCheck", form)
            #expect(response.status == .badRequest)
            #expect(response.error?.code == 60200)
            #expect(response.error?.message == "Invalid parameter: \(parameter)")
        }
    }

    @Test("checks for unknown recipients or services are 404")
    func unknownTargets() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            #expect(try await api.check(service, to: "+15005550099", code: "123456").error?.code == 20404)
            #expect(try await api.check("VA" + String(repeating: "9", count: 32), code: "123456").error?.code == 20404)
        }
    }

    @Test("concurrent wrong checks never exceed the attempt limit")
    func concurrentWrongChecks() async throws {
        try await withEmulator { api in
            let (service, _, _, wrongCode) = try await api.startWithCode()
            let responses = try await api.concurrentPosts(
                20, "/v2/Services/\(service)/VerificationCheck", [("To", "+15005550006"), ("Code", wrongCode)])
            let statuses = responses.map {
                (Int($0.status.code), try? $0.decode(VerificationCheckResource.self).status)
            }
            #expect(statuses.filter { $0.0 == 200 && $0.1 == .pending }.count == 4)
            #expect(statuses.filter { $0.0 == 200 && $0.1 == .maxAttemptsReached }.count == 1)
            #expect(statuses.filter { $0.0 == 429 }.count == 1)
            #expect(statuses.filter { $0.0 == 404 }.count == 14)
        }
    }

    @Test("concurrent right checks approve exactly once")
    func concurrentRightChecks() async throws {
        try await withEmulator { api in
            let (service, _, code, _) = try await api.startWithCode()
            let responses = try await api.concurrentPosts(
                16, "/v2/Services/\(service)/VerificationCheck", [("To", "+15005550006"), ("Code", code)])
            let statuses = responses.map { Int($0.status.code) }
            #expect(statuses.filter { $0 == 200 }.count == 1)
            #expect(statuses.filter { $0 == 404 }.count == 15)
        }
    }

    @Test("code comparison is exact")
    func constantTimeComparison() {
        #expect(ConstantTime.equal("123456", "123456"))
        #expect(!ConstantTime.equal("123456", "123457"))
        #expect(!ConstantTime.equal("123456", "12345"))
        #expect(!ConstantTime.equal("12345", "123456"))
        #expect(!ConstantTime.equal("", "0"))
    }
}
