import Foundation
import HTTPTypes
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Control API: accounts made at run time, each with its own clock")
struct AccountClockTests {
    /// A created account's credentials as a Basic `Authorization` value, and its service.
    static func createAccount(
        _ api: EmulatorClient, name: String? = nil
    ) async throws -> (auth: String, sid: String, service: String) {
        let body = name.map { #"{"friendly_name": "\#($0)"}"# }
        let created = try await api.control(.post, "/emulator/v1/accounts", json: body)
        #expect(created.status == .created)
        let sid = try #require(created.json["account_sid"] as? String)
        let token = try #require(created.json["auth_token"] as? String)
        let service = try #require(created.json["service_sid"] as? String)
        #expect(SID(sid, expecting: .account) != nil && SID(service, expecting: .service) != nil)
        #expect(token.count == 32 && token.allSatisfy(\.isHexDigit))
        return (TestAccounts.basic(sid, token), sid, service)
    }

    @Test("an account made at run time authenticates, owns its service, and leaves with all it held")
    func accountLifecycle() async throws {
        try await withEmulator { api in
            let worker = try await Self.createAccount(api, name: "worker 1")
            let services = try await api.get("/v2/Services", auth: worker.auth).decode(ListPage<ServiceResource>.self)
            #expect(services.items.map(\.sid) == [worker.service])
            #expect(services.items.first?.friendlyName == "worker 1")
            // the configured account does not see it, nor it the configured account's
            let mine = try await api.get("/v2/Services").decode(ListPage<ServiceResource>.self)
            #expect(!mine.items.map(\.sid).contains(worker.service))
            let started = try await api.post(
                "/v2/Services/\(worker.service)/Verifications", [("To", "+15145550300"), ("Channel", "sms")],
                auth: worker.auth)
            #expect(started.status == .created)

            let listed = try await api.control(.get, "/emulator/v1/accounts")
            let accounts = try #require(listed.json["accounts"] as? [[String: Any]])
            #expect(
                accounts.contains { $0["account_sid"] as? String == worker.sid && $0["kind"] as? String == "runtime" })
            #expect(
                accounts.contains {
                    $0["account_sid"] as? String == TestAccounts.main.sid.rawValue
                        && $0["kind"] as? String == "configured"
                })

            #expect(try await api.control(.delete, "/emulator/v1/accounts/\(worker.sid)").status == .noContent)
            #expect(try await api.get("/v2/Services", auth: worker.auth).status == .unauthorized)
            let messages = try await api.control(.get, "/emulator/v1/messages?account_sid=\(worker.sid)")
            #expect((messages.json["messages"] as? [Any])?.isEmpty == true)
            #expect(try await api.control(.delete, "/emulator/v1/accounts/\(worker.sid)").status == .notFound)
            let configured = try await api.control(.delete, "/emulator/v1/accounts/\(TestAccounts.main.sid.rawValue)")
            #expect(configured.status == .forbidden)
            #expect(try await api.get("/v2/Services").status == .ok)
            #expect(try await api.control(.delete, "/emulator/v1/accounts/nope").status == .notFound)
            #expect(
                try await api.control(.post, "/emulator/v1/accounts", json: #"{"name": "x"}"#).status == .badRequest)
            #expect(
                try await api.control(.post, "/emulator/v1/accounts", json: #"{"friendly_name": ""}"#).status
                    == .badRequest)
        }
    }

    @Test("accounts made at run time survive a restart of the same database")
    func persisted() async throws {
        let path = temporaryDatabasePath()
        let worker = try await withThrowingResult { result in
            try await withEmulator(databasePath: path) { api in result.set(try await Self.createAccount(api)) }
        }
        try await withEmulator(databasePath: path) { api in
            let services = try await api.get("/v2/Services", auth: worker.auth).decode(ListPage<ServiceResource>.self)
            #expect(services.items.map(\.sid) == [worker.service])
        }
    }

    @Test("moving one account's clock expires its codes and no one else's")
    func ownClock() async throws {
        try await withEmulator { api in
            let first = try await Self.createAccount(api)
            let second = try await Self.createAccount(api)
            func start(_ worker: (auth: String, sid: String, service: String)) async throws -> String {
                let started = try await api.post(
                    "/v2/Services/\(worker.service)/Verifications", [("To", "+15145550301"), ("Channel", "sms")],
                    auth: worker.auth)
                #expect(started.status == .created)
                let messages = try await api.control(.get, "/emulator/v1/messages?account_sid=\(worker.sid)")
                let latest = try #require((messages.json["messages"] as? [[String: Any]])?.first)
                return try #require(latest["code"] as? String)
            }
            func check(_ worker: (auth: String, sid: String, service: String), _ code: String) async throws -> Int {
                let response = try await api.post(
                    "/v2/Services/\(worker.service)/VerificationCheck", [("To", "+15145550301"), ("Code", code)],
                    auth: worker.auth)
                return Int(response.status.code)
            }
            let firstCode = try await start(first)
            let secondCode = try await start(second)
            let moved = try await api.control(
                .post, "/emulator/v1/clock", json: #"{"advance_seconds": 601, "account_sid": "\#(first.sid)"}"#)
            #expect(moved.status == .ok)
            #expect(moved.json["account_sid"] as? String == first.sid)
            #expect((moved.json["offset_seconds"] as? Double).map { $0 >= 600 } == true)
            // the global clock and the other account's did not move
            let global = try await api.control(.get, "/emulator/v1/clock")
            #expect(global.json["account_sid"] == nil && (global.json["offset_seconds"] as? Double) == 0)
            let other = try await api.control(.get, "/emulator/v1/clock?account_sid=\(second.sid)")
            #expect(
                (other.json["offset_seconds"] as? Double) == 0 && other.json["account_sid"] as? String == second.sid)

            #expect(try await check(first, firstCode) == 404)
            #expect(try await check(second, secondCode) == 200)
            // the account's dates follow its clock
            let later = try await api.createService("later", auth: first.auth)
            let service = try await api.get("/v2/Services/\(later)", auth: first.auth).decode(ServiceResource.self)
            let created = try #require(TwilioDate.parse(service.dateCreated))
            #expect(created.timeIntervalSinceNow > 590)

            // frozen, then resumed, for that account alone
            let frozen = try await api.control(
                .post, "/emulator/v1/clock",
                json: #"{"set": "2031-05-01T00:00:00Z", "frozen": true, "account_sid": "\#(second.sid)"}"#)
            #expect(frozen.json["now"] as? String == "2031-05-01T00:00:00Z" && frozen.json["frozen"] as? Bool == true)
            #expect(try await api.control(.get, "/emulator/v1/clock").json["frozen"] as? Bool == false)
            let frozenService = try await api.createService("frozen", auth: second.auth)
            let read = try await api.get("/v2/Services/\(frozenService)", auth: second.auth).decode(
                ServiceResource.self)
            #expect(read.dateCreated == "2031-05-01T00:00:00Z")

            // deleting the account drops its clock with it
            #expect(try await api.control(.delete, "/emulator/v1/accounts/\(first.sid)").status == .noContent)
            let gone = try await api.control(.get, "/emulator/v1/clock?account_sid=\(first.sid)")
            #expect(gone.status == .badRequest && gone.error?.message == "Invalid parameter: account_sid")
        }
    }

    @Test("a push challenge expires on its account's clock, for the phone's answer too")
    func pushChallengeExpiry() async throws {
        try await withEmulator { api in
            var challenges: [(worker: (auth: String, sid: String, service: String), sid: String)] = []
            for _ in 0..<2 {
                let worker = try await Self.createAccount(api)
                let enrolled = try await api.request(
                    .post, "/emulator/v1/devices", auth: nil,
                    rawBody: .init(string: #"{"service_sid": "\#(worker.service)", "identity": "ada-0001"}"#),
                    contentType: "application/json")
                let factor = try #require(enrolled.json["factor_sid"] as? String)
                let created = try await api.post(
                    "/v2/Services/\(worker.service)/Entities/ada-0001/Challenges",
                    [("FactorSid", factor), ("Details.Message", "Log in?")], auth: worker.auth)
                challenges.append((worker, try #require(created.json["sid"] as? String)))
            }
            // past the 5-minute expiry on the first account's clock only
            let first = challenges[0]
            let second = challenges[1]
            _ = try await api.control(
                .post, "/emulator/v1/clock", json: #"{"advance_seconds": 301, "account_sid": "\#(first.worker.sid)"}"#)
            let fetched = try await api.get(
                "/v2/Services/\(first.worker.service)/Entities/ada-0001/Challenges/\(first.sid)",
                auth: first.worker.auth)
            #expect(fetched.json["status"] as? String == "expired")
            let late = try await api.request(.post, "/emulator/v1/challenges/\(first.sid)/approve", auth: nil)
            #expect(late.error?.code == 60323)
            let inTime = try await api.request(.post, "/emulator/v1/challenges/\(second.sid)/approve", auth: nil)
            #expect(inTime.status == .ok && inTime.json["status"] as? String == "approved")
        }
    }

    @Test("a phone's own calls read its account's clock: its token expires when that clock moves")
    func deviceCallsReadTheAccountsClock() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let phone = TestPhone()
            let (factor, credential) = try await PushFactorTests.enrolledFactor(api, service, phone)
            let account = TestAccounts.main.sid.rawValue
            func fetch() async throws -> APIResponse {
                try await api.get(
                    PushFactorTests.path(service, "Factors/\(factor)"),
                    auth: try phone.authorization(credentialSid: credential, accountSid: account, now: Date()))
            }
            #expect(try await fetch().status == .ok)
            _ = try await api.control(
                .post, "/emulator/v1/clock", json: #"{"advance_seconds": 700, "account_sid": "\#(account)"}"#)
            // a token made on the machine's time is past its 600 s on the account's clock
            let expired = try await fetch()
            #expect(expired.status == .unauthorized)
            #expect(expired.error?.code == 20003)
            // the global clock did not move
            #expect(try await api.control(.get, "/emulator/v1/clock").json["offset_seconds"] as? Double == 0)
        }
    }

    @Test("a clock call naming a malformed or unknown account is a 400 naming account_sid")
    func badAccount() async throws {
        try await withEmulator { api in
            for body in [
                #"{"advance_seconds": 1, "account_sid": "AC1"}"#,
                #"{"advance_seconds": 1, "account_sid": "AC\#(String(repeating: "9", count: 32))"}"#,
            ] {
                let response = try await api.control(.post, "/emulator/v1/clock", json: body)
                #expect(response.status == .badRequest && response.error?.message == "Invalid parameter: account_sid")
            }
            #expect(try await api.control(.get, "/emulator/v1/clock").json["offset_seconds"] as? Double == 0)
            // a configured account may have its own clock too
            let moved = try await api.control(
                .post, "/emulator/v1/clock",
                json: #"{"advance_seconds": 5, "account_sid": "\#(TestAccounts.other.sid.rawValue)"}"#)
            #expect(moved.status == .ok)
        }
    }
}

/// Carries a value out of a `@Sendable` closure.
final class ResultBox<Value: Sendable>: @unchecked Sendable {
    private var value: Value?
    func set(_ value: Value) { self.value = value }
    func get() throws -> Value { try #require(value) }
}

func withThrowingResult<Value: Sendable>(_ body: (ResultBox<Value>) async throws -> Void) async throws -> Value {
    let box = ResultBox<Value>()
    try await body(box)
    return try box.get()
}
