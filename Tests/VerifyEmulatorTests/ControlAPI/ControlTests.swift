import Foundation
import HTTPTypes
import NIOCore
import Testing
import VerifyWire

@testable import VerifyEmulator

/// JSON bodies for the control API.
extension EmulatorClient {
    func control(_ method: HTTPRequest.Method, _ path: String, json: String? = nil) async throws -> APIResponse {
        try await request(
            method, path, auth: nil, rawBody: json.map { ByteBuffer(string: $0) },
            contentType: json == nil ? nil : "application/json")
    }
}

@Suite("Control API: clock")
struct ClockTests {
    @Test("advancing the clock expires a code without sleeping")
    func advance() async throws {
        try await withEmulator { api in
            let (service, _, code, _) = try await api.startWithCode()
            let before = try await api.control(.get, "/emulator/v1/clock")
            #expect(before.status == .ok)
            let start = try #require(before.json["epoch_ms"] as? Int)
            let advanced = try await api.control(.post, "/emulator/v1/clock", json: #"{"advance_seconds": 601}"#)
            #expect(advanced.status == .ok)
            let after = try #require(advanced.json["epoch_ms"] as? Int)
            #expect(after - start >= 601_000 && after - start < 611_000)
            #expect(try await api.check(service, code: code).status == .notFound)
        }
    }

    @Test("set and freeze, then resume")
    func setAndFreeze() async throws {
        try await withEmulator { api in
            let frozen = try await api.control(
                .post, "/emulator/v1/clock", json: #"{"set": "2030-01-01T00:00:00Z", "frozen": true}"#)
            #expect(frozen.json["now"] as? String == "2030-01-01T00:00:00Z")
            #expect(frozen.json["frozen"] as? Bool == true)
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await api.control(.get, "/emulator/v1/clock").json["now"] as? String == "2030-01-01T00:00:00Z")
            let service = try await api.createService()
            let started = try await api.startVerification(service).decode(VerificationResource.self)
            #expect(started.dateCreated == "2030-01-01T00:00:00Z")
            let moved = try await api.control(.post, "/emulator/v1/clock", json: #"{"advance_seconds": 30}"#)
            #expect(moved.json["now"] as? String == "2030-01-01T00:00:30Z")
            let resumed = try await api.control(.post, "/emulator/v1/clock", json: #"{"frozen": false}"#)
            #expect(resumed.json["frozen"] as? Bool == false)
        }
    }

    @Test(
        "bad clock requests are 400",
        arguments: [
            #"{"set": "tomorrow"}"#, #"{"advance_seconds": "x"}"#, "not json", #"{"advance_seconds": 1e20}"#,
            #"{"advance_seconds": -1e300}"#,
        ])
    func badClock(body: String) async throws {
        try await withEmulator { api in
            let response = try await api.control(.post, "/emulator/v1/clock", json: body)
            #expect(response.status == .badRequest)
            #expect(response.error?.status == 400)
        }
    }
}

extension ClockTests {
    @Test("a refused clock change changes nothing, even the parts of it that were valid")
    func refusedChangeIsWhole() async throws {
        try await withEmulator { api in
            let before = try await api.control(.get, "/emulator/v1/clock").json["epoch_ms"] as? Int
            let refused = try await api.control(
                .post, "/emulator/v1/clock", json: #"{"set": "2040-01-01T00:00:00Z", "advance_seconds": 1e20}"#)
            #expect(refused.status == .badRequest)
            #expect(refused.error?.detail?.contains("advance_seconds") == true)
            let after = try await api.control(.get, "/emulator/v1/clock").json["epoch_ms"] as? Int
            #expect(abs((after ?? 0) - (before ?? 0)) < 60_000)
        }
    }

    @Test("a time with twenty fraction digits is a valid time: the fraction is dropped, nothing overflows")
    func longFraction() async throws {
        try await withEmulator { api in
            let response = try await api.control(
                .post, "/emulator/v1/clock", json: #"{"set": "2030-01-01T00:00:00.99999999999999999999Z"}"#)
            #expect(response.status == .ok)
            #expect(response.json["now"] as? String == "2030-01-01T00:00:00Z")
        }
    }
}

@Suite("Control API: bodies it does not understand")
struct ControlBodyTests {
    @Test(
        "an unknown key or a wrong type is a 400 naming the key and what the body takes",
        arguments: [
            (
                "/emulator/v1/clock", #"{"advance": 601}"#, "advance",
                "unknown key; the body takes account_sid, advance_seconds, frozen, set"
            ),
            ("/emulator/v1/clock", #"{"frozen": "yes"}"#, "frozen", "frozen"),
            ("/emulator/v1/codes", #"{"code": 123456}"#, "code", "code"),
            (
                "/emulator/v1/codes", #"{"code": "123456", "recipient": "+15005550006"}"#, "recipient",
                "takes code, service_sid, to"
            ),
            (
                "/emulator/v1/faults", #"{"endpoint": "verifications", "error": {"code": "60410"}}"#, "error.code",
                "error.code"
            ),
            (
                "/emulator/v1/faults", #"{"error": {"code": 60410, "satus": 403}}"#, "error.satus",
                "error takes code, message, status"
            ),
        ])
    func refused(path: String, body: String, key: String, detail: String) async throws {
        try await withEmulator { api in
            let before = try await api.control(.get, "/emulator/v1/clock").json["offset_seconds"] as? Double
            let response = try await api.control(.post, path, json: body)
            #expect(response.status == .badRequest)
            #expect(response.error?.code == 60200)
            #expect(response.error?.message == "Invalid parameter: \(key)")
            #expect(response.error?.detail?.contains(detail) == true, "\(String(describing: response.error))")
            // nothing was applied
            #expect(try await api.control(.get, "/emulator/v1/clock").json["offset_seconds"] as? Double == before)
            let faults = try await api.control(.get, "/emulator/v1/faults").json["faults"] as? [Any]
            #expect(faults?.isEmpty == true)
        }
    }
}

@Suite("Control API: deterministic codes")
struct FixedCodeTests {
    @Test("recipient beats service beats global; CustomCode beats all")
    func precedence() async throws {
        try await withEmulator { api in
            let service = try await api.createService("Fixed", [("CustomCodeEnabled", "true")])
            let other = try await api.createService("Other")
            #expect(try await api.control(.post, "/emulator/v1/codes", json: #"{"code": "111111"}"#).status == .created)
            #expect(
                try await api.control(
                    .post, "/emulator/v1/codes", json: #"{"code": "2222", "service_sid": "\#(service)"}"#
                )
                .status == .created)
            #expect(
                try await api.control(.post, "/emulator/v1/codes", json: #"{"code": "333333", "to": "+15005550006"}"#)
                    .status == .created)

            _ = try await api.startVerification(service, to: "+15005550006")
            #expect(try await api.lastMessage(to: "+15005550006")?.code == "333333")
            _ = try await api.startVerification(service, to: "+15005550007")
            #expect(try await api.lastMessage(to: "+15005550007")?.code == "2222")
            _ = try await api.startVerification(other, to: "+15005550008")
            #expect(try await api.lastMessage(to: "+15005550008")?.code == "111111")
            _ = try await api.startVerification(service, to: "+15005550009", [("CustomCode", "9999")])
            #expect(try await api.lastMessage(to: "+15005550009")?.code == "9999")
            let approved = try await api.check(service, to: "+15005550006", code: "333333")
            #expect(try approved.decode(VerificationCheckResource.self).status == .approved)

            let listed = try await api.control(.get, "/emulator/v1/codes").decode([String: [FixedCode]].self)["codes"]
            #expect(listed?.count == 3)

            #expect(try await api.control(.delete, "/emulator/v1/codes?to=%2B15005550006").status == .noContent)
            #expect(try await api.control(.delete, "/emulator/v1/codes?to=%2B15005550006").status == .notFound)
            #expect(try await api.control(.delete, "/emulator/v1/codes").status == .noContent)
            _ = try await api.startVerification(other, to: "+15005550010")
            #expect(try await api.lastMessage(to: "+15005550010")?.code != "111111")
        }
    }

    @Test(
        "bad fixed codes are 400",
        arguments: [
            #"{"code": "12"}"#, #"{"code": "12345678901"}"#, #"{"code": "12 34"}"#,
            #"{"code": "1234", "to": "+1500", "service_sid": "VA00000000000000000000000000000000"}"#,
            #"{"code": "1234", "service_sid": "VA1"}"#, #"{"to": "+15005550006"}"#,
        ])
    func badCodes(body: String) async throws {
        try await withEmulator { api in
            let response = try await api.control(.post, "/emulator/v1/codes", json: body)
            #expect(response.status == .badRequest)
        }
    }

    @Test("fixed codes from configuration (fixtures or --fixed-code)")
    func fromConfiguration() async throws {
        try await withEmulator(configure: { $0.fixedCodes = [FixedCode(code: "424242")] }) { api in
            let service = try await api.createService()
            _ = try await api.startVerification(service)
            #expect(try await api.lastMessage()?.code == "424242")
        }
        #expect {
            try Fixtures.parse(Data(#"{"fixed_codes": [{"code": "1"}]}"#.utf8), source: "f.json")
        } throws: { "\($0)".contains("fixed_codes[0]") }
    }
}

@Suite("Control API: inspection, long-poll, reset, limits")
struct InspectionTests {
    @Test("messages?wait= returns as soon as a matching message arrives")
    func longPoll() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let started = ContinuousClock.now
            // a 60 s wait: answering with the message well before its end (30 s of room for a
            // loaded machine) shows the message woke it, not the deadline
            async let waited = api.get("/emulator/v1/messages?to=%2B15005550123&wait=60s", auth: nil)
            try await Task.sleep(for: .milliseconds(300))
            _ = try await api.startVerificationOnNewConnection(service, to: "+15005550123")
            let response = try await waited
            let elapsed = ContinuousClock.now - started
            let messages = try response.items("messages", as: OutboxMessage.self) ?? []
            #expect(messages.count == 1)
            #expect(messages.first?.to == "+15005550123")
            #expect(elapsed < .seconds(30))

            let timedOut = ContinuousClock.now
            let empty = try await api.get("/emulator/v1/messages?to=%2B15005550999&wait=300ms", auth: nil)
            #expect(try empty.items("messages", as: OutboxMessage.self).isEmpty == true)
            #expect(ContinuousClock.now - timedOut >= .milliseconds(290))

            for bad in ["wait=forever", "wait=61s", "wait=-1"] {
                #expect(try await api.get("/emulator/v1/messages?\(bad)", auth: nil).status == .badRequest)
            }
        }
    }

    @Test(
        "a wait too large or not a number is a 400 naming wait, and the emulator keeps serving",
        arguments: ["1e20", "nan", "inf", "-inf", "1e20s", "1e20ms", "-0.5s"])
    func hugeWait(wait: String) async throws {
        try await withEmulator { api in
            let response = try await api.get("/emulator/v1/messages?wait=\(wait)", auth: nil)
            #expect(response.status == .badRequest)
            #expect(response.error?.message == "Invalid parameter: wait")
            #expect(response.error?.detail?.contains("at most 60s") == true)
            #expect(try await api.get("/healthz", auth: nil).status == .ok)
        }
    }

    @Test("verifications list status, code, attempts and time left")
    func verifications() async throws {
        try await withEmulator { api in
            // a frozen clock: the time left is exact, however slow the machine
            api.clock.freeze()
            let (service, started, code, wrongCode) = try await api.startWithCode()
            _ = try await api.check(service, code: wrongCode)
            let list = try await api.get("/emulator/v1/verifications?service_sid=\(service)", auth: nil)
            let summaries = try list.items("verifications", as: VerificationSummary.self) ?? []
            #expect(summaries.count == 1)
            let summary = try #require(summaries.first)
            #expect(summary.sid == started.sid)
            #expect(summary.code == code)
            #expect(summary.status == .pending)
            #expect(summary.checkAttempts == 1)
            #expect(summary.sendAttempts == 1)
            #expect(summary.secondsLeft == 600)
            api.clock.advance(by: .seconds(700))
            let expired = try await api.get("/emulator/v1/verifications?status=expired", auth: nil)
                .items("verifications", as: VerificationSummary.self)
            #expect(expired.map(\.sid) == [started.sid])
            #expect(expired.first?.secondsLeft == 0)
        }
    }

    @Test("the verification list filters by each status, newest first, up to the limit")
    func verificationStatuses() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            func start(_ to: String) async throws -> String {
                try await api.startVerification(service, to: to).decode(VerificationResource.self).sid
            }
            func sids(_ query: String) async throws -> [String] {
                try await api.get("/emulator/v1/verifications?service_sid=\(service)&\(query)", auth: nil)
                    .items("verifications", as: VerificationSummary.self).map(\.sid)
            }
            let expired = try await start("+15005550100")
            api.clock.advance(by: .seconds(601))
            let approved = try await start("+15005550101")
            let code = try #require(try await api.lastMessage(to: "+15005550101")).code
            #expect(try await api.check(service, to: "+15005550101", code: code).status == .ok)
            let canceled = try await start("+15005550102")
            let cancel = try await api.post(
                "/v2/Services/\(service)/Verifications/\(canceled)", [("Status", "canceled")])
            #expect(cancel.status == .ok)
            let pending = [try await start("+15005550103"), try await start("+15005550104")]

            #expect(try await sids("status=pending") == pending.reversed())
            #expect(try await sids("status=pending&limit=1") == [pending[1]])
            #expect(try await sids("status=approved") == [approved])
            #expect(try await sids("status=canceled") == [canceled])
            #expect(try await sids("status=expired") == [expired])
            #expect(try await sids("status=max_attempts_reached").isEmpty)
            #expect(try await sids("limit=50") == pending.reversed() + [canceled, approved, expired])
        }
    }

    @Test("a status filter that names no status is a 400 listing the statuses, not an empty list")
    func unknownStatusFilter() async throws {
        try await withEmulator { api in
            let response = try await api.get("/emulator/v1/verifications?status=aproved", auth: nil)
            #expect(response.status == .badRequest)
            let error = try #require(response.error)
            #expect(error.code == 60200)
            #expect(error.message == "Invalid parameter: status")
            #expect(error.detail?.contains("status must be one of pending, approved, canceled") == true, "\(error)")
        }
    }

    @Test("the request log keeps every Twilio API call with a hint for failures and the number it named")
    func requestLog() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            _ = try await api.startVerification(service, to: "15005550006")
            _ = try await api.request(.put, "/v2/Services")
            _ = try await api.get("/v2/Services", auth: nil)
            let log =
                try await api.get("/emulator/v1/requests", auth: nil)
                .decode([String: [RequestLogEntry]].self)["requests"] ?? []
            #expect(log.count == 4)
            #expect(log[0].status == 401 && log[0].errorCode == 20003)
            #expect(log[1].status == 405 && log[1].errorCode == 20004)
            #expect(log[2].errorCode == 60200)
            #expect(log[2].hint == "To is not E.164: missing leading +")
            // the number a verification named, as sent, even when it was refused
            #expect(log[2].to == "15005550006")
            #expect(log[3].status == 201 && log[3].path == "/v2/Services" && log[3].method == "POST")
            #expect(log[0].to == nil && log[3].to == nil)
            let errors =
                try await api.get("/emulator/v1/requests?errors=true", auth: nil)
                .decode([String: [RequestLogEntry]].self)["requests"] ?? []
            #expect(errors.count == 3)
        }
    }

    @Test("reset clears everything, or one account, and brings fixture services back")
    func reset() async throws {
        let fixture = ServiceFixture(
            sid: SID("VA" + String(repeating: "f", count: 32))!, accountSid: TestAccounts.main.sid, friendlyName: "Kept"
        )
        try await withEmulator(configure: { $0.services = [fixture] }) { api in
            let mine = try await api.createService("Mine")
            let theirs = try await api.createService("Theirs", auth: TestAccounts.otherAuth)
            _ = try await api.startVerification(mine)

            let accountReset = try await api.control(.post, "/emulator/v1/reset?account_sid=\(TestAccounts.main.sid)")
            #expect(accountReset.status == .ok)
            #expect(try await api.get("/v2/Services/\(mine)").status == .notFound)
            #expect(try await api.get("/v2/Services/\(fixture.sid)").status == .ok)
            #expect(try await api.get("/v2/Services/\(theirs)", auth: TestAccounts.otherAuth).status == .ok)
            #expect(try await api.lastMessage() == nil)

            #expect(try await api.control(.post, "/emulator/v1/reset").json["reset"] as? String == "all")
            #expect(try await api.get("/v2/Services/\(theirs)", auth: TestAccounts.otherAuth).status == .notFound)
            #expect(try await api.get("/v2/Services/\(fixture.sid)").status == .ok)
            #expect(try await api.control(.post, "/emulator/v1/reset?account_sid=nope").status == .badRequest)
        }
    }

    @Test("the built-in limits can be turned off for load tests")
    func limitsOff() async throws {
        try await withEmulator(configure: {
            $0.maxSendAttempts = 0
            $0.maxCheckAttempts = 0
        }) { api in
            let service = try await api.createService()
            for _ in 0..<8 { #expect(try await api.startVerification(service).status == .created) }
            let code = try #require(try await api.lastMessage()).code
            let wrong = code == "000000" ? "111111" : "000000"
            for _ in 0..<8 {
                #expect(
                    try await api.check(service, code: wrong).decode(VerificationCheckResource.self).status == .pending
                )
            }
            #expect(
                try await api.check(service, code: code).decode(VerificationCheckResource.self).status == .approved)
        }
    }
}

extension EmulatorClient {
    /// Starts a verification over a connection of its own, so it can run while this client's
    /// connection is blocked in a long-poll.
    func startVerificationOnNewConnection(_ service: String, to: String) async throws -> APIResponse {
        try await concurrentPosts(1, "/v2/Services/\(service)/Verifications", [("To", to), ("Channel", "sms")])[0]
    }
}
