import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Fixtures")
struct FixturesTests {
    @Test("the shipped fixtures file loads and its services exist at start")
    func shippedFixtures() async throws {
        let root = repositoryRoot()
        let fixtures = try Fixtures.load(path: root.appendingPathComponent("fixtures/accounts.json").path)
        #expect(!fixtures.accounts.isEmpty)
        #expect(!fixtures.services.isEmpty)
        try await withEmulator(configure: {
            $0.accounts = []
            $0.add(fixtures)
        }) { api in
            let account = fixtures.accounts[0]
            let auth = TestAccounts.basic(account.sid.rawValue, account.authToken)
            let service = fixtures.services[0]
            let response = try await api.get("/v2/Services/\(service.sid)", auth: auth)
            #expect(response.status == .ok)
            #expect(try response.decode(ServiceResource.self).friendlyName == service.friendlyName)
            if let key = account.apiKeys.first {
                let keyAuth = TestAccounts.basic(key.sid.rawValue, key.secret)
                #expect(try await api.get("/v2/Services", auth: keyAuth).status == .ok)
            }
        }
    }

    @Test(
        "bad fixtures name the field",
        arguments: [
            (#"{"accounts": [{"auth_token": "x"}]}"#, "accounts[0].sid: missing"),
            (#"{"accounts": [{"sid": "AC1", "auth_token": "x"}]}"#, "accounts[0].sid"),
            (
                #"{"accounts": [{"sid": "VA00000000000000000000000000000000", "auth_token": "x"}]}"#,
                "accounts[0].sid: must start with AC"
            ),
            (
                #"{"accounts": [{"sid": "AC00000000000000000000000000000000", "auth_token": ""}]}"#,
                "accounts[0].auth_token"
            ),
            (
                #"{"services": [{"sid": "VA00000000000000000000000000000000", "account_sid": "AC00000000000000000000000000000000", "friendly_name": "x"}]}"#,
                "services[0].account_sid"
            ),
            (
                #"{"accounts": [{"sid": "AC00000000000000000000000000000000", "auth_token": "t"}], "services": [{"sid": "VA00000000000000000000000000000000", "account_sid": "AC00000000000000000000000000000000", "friendly_name": "x", "code_length": 12}]}"#,
                "services[0].code_length"
            ),
            (#"{"accounts": 5}"#, "accounts"),
            ("not json", "fixture.json"),
        ])
    func badFixtures(json: String, expected: String) {
        #expect {
            try Fixtures.parse(Data(json.utf8), source: "fixture.json")
        } throws: { error in
            "\(error)".contains(expected) && "\(error)".hasPrefix("fixture.json")
        }
    }
}

@Suite("Fixtures: limits, clock, rate limits, codes, faults")
struct RichFixturesTests {
    static let json = #"""
        {
          "accounts": [{"sid": "AC11111111111111111111111111111111", "auth_token": "main-token"}],
          "services": [{
            "sid": "VAb0000000000000000000000000000001", "account_sid": "AC11111111111111111111111111111111",
            "friendly_name": "Limited",
            "rate_limits": [{"unique_name": "end_user_ip_address", "description": "per IP", "buckets": [{"max": 1, "interval": 60}]}]
          }],
          "limits": {"max_send_attempts": 2, "code_expiry": 120},
          "clock": {"frozen_at": "2031-05-06T07:08:09Z"},
          "fixed_codes": [{"code": "5555"}],
          "faults": [{"endpoint": "verifications", "to": "+15005550003", "error": {"code": 60410}}]
        }
        """#

    @Test("every section of a fixtures file takes effect")
    func everythingApplies() async throws {
        let fixtures = try Fixtures.parse(Data(Self.json.utf8), source: "rich.json")
        try await withEmulator(configure: {
            $0.accounts = []
            $0.add(fixtures)
        }) { api in
            let service = "VAb0000000000000000000000000000001"
            let limit = try await api.get("/v2/Services/\(service)/RateLimits/end_user_ip_address")
            #expect(try limit.decode(RateLimitResource.self).description == "per IP")
            let ip = [("RateLimits", #"{"end_user_ip_address": "1.1.1.1"}"#)]
            let first = try await api.startVerification(service, to: "+15005550020", ip)
            #expect(first.status == .created)
            #expect(try first.decode(VerificationResource.self).dateCreated == "2031-05-06T07:08:09Z")
            #expect(try await api.lastMessage(to: "+15005550020")?.code == "5555")
            #expect(try await api.startVerification(service, to: "+15005550021", ip).error?.code == 20429)
            #expect(try await api.startVerification(service, to: "+15005550022").status == .created)
            #expect(try await api.startVerification(service, to: "+15005550022").status == .created)
            #expect(try await api.startVerification(service, to: "+15005550022").error?.code == 60203)
            #expect(try await api.startVerification(service, to: "+15005550003").error?.code == 60410)
            api.clock.advance(by: .seconds(121))
            #expect(try await api.check(service, to: "+15005550020", code: "5555").status == .notFound)
        }
    }

    @Test(
        "bad sections name the field",
        arguments: [
            (#"{"limits": {"max_send_attempts": -1}}"#, "limits.max_send_attempts"),
            (#"{"limits": {"code_expiry": 0}}"#, "limits.code_expiry"),
            (#"{"clock": {"frozen_at": "soon"}}"#, "clock.frozen_at"),
            (#"{"faults": [{"endpoint": "nowhere", "error": {"code": 60410}}]}"#, "faults[0]"),
            (
                #"{"accounts": [{"sid": "AC00000000000000000000000000000000", "auth_token": "t"}], "services": [{"sid": "VA00000000000000000000000000000000", "account_sid": "AC00000000000000000000000000000000", "friendly_name": "x", "rate_limits": [{"unique_name": "bad name"}]}]}"#,
                "services[0].rate_limits[0].unique_name"
            ),
            (
                #"{"accounts": [{"sid": "AC00000000000000000000000000000000", "auth_token": "t"}], "services": [{"sid": "VA00000000000000000000000000000000", "account_sid": "AC00000000000000000000000000000000", "friendly_name": "x", "rate_limits": [{"unique_name": "ip", "buckets": [{"max": 0, "interval": 5}]}]}]}"#,
                "services[0].rate_limits[0].buckets[0]"
            ),
            ("{\n  \"accounts\": [\n    {,}\n  ]\n}", "line"),
            (#"{"limits": {"code_expiry": 100000000000000000}}"#, "limits.code_expiry: must be 1 to 86400"),
            (#"{"limits": {"send_window": 100000000000000000}}"#, "limits.send_window: must be 1 to 86400"),
            (#"{"limits": {"max_check_attempts": 100000000000}}"#, "limits.max_check_attempts"),
            (#"{"clock": {"offset_seconds": 1e20}}"#, "clock.offset_seconds: must be"),
            (#"{"acounts": []}"#, "acounts: unknown key; the file takes accounts, clock, faults"),
            (#"{"limits": {"code_expiri": 60}}"#, "limits.code_expiri: unknown key; limits takes code_expiry"),
            (
                #"{"faults": [{"endpoint": "verifications", "eror": {"code": 60410}}]}"#,
                "faults[0].eror: unknown key"
            ),
        ])
    func badSections(json: String, expected: String) {
        #expect {
            try Fixtures.parse(Data(json.utf8), source: "bad.json")
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}

@Suite("Configuration: ranges")
struct ConfigurationRangeTests {
    @Test("a configuration out of range is refused at build, naming the setting, before anything opens")
    func outOfRange() async throws {
        var base = EmulatorConfiguration()
        base.databasePath = ":memory:"
        base.port = 0
        var cases: [(setting: String, configuration: EmulatorConfiguration)] = []
        var configuration = base
        configuration.codeExpiry = .seconds(100_000_000_000_000_000)
        cases.append(("codeExpiry", configuration))
        configuration = base
        configuration.codeExpiry = .milliseconds(1500)
        cases.append(("codeExpiry", configuration))
        configuration = base
        configuration.sendWindow = .zero
        cases.append(("sendWindow", configuration))
        configuration = base
        configuration.maxSendAttempts = -1
        cases.append(("maxSendAttempts", configuration))
        configuration = base
        configuration.maxBodySize = 0
        cases.append(("maxBodySize", configuration))
        for (setting, configuration) in cases {
            await #expect {
                _ = try await buildApplication(configuration: configuration)
            } throws: { error in
                (error as? ConfigurationError)?.description.hasPrefix(setting) == true
            }
        }
    }
}

@Suite("Fixtures: entities with TOTP factors of known secrets")
struct EntityFixturesTests {
    static let json = """
        {"accounts": [{"sid": "AC11111111111111111111111111111111", "auth_token": "main-token"}],
         "services": [{"sid": "VA33333333333333333333333333333333", "account_sid": "AC11111111111111111111111111111111",
                       "friendly_name": "Acme",
                       "entities": [{"identity": "ff483d1f-f4d0-4fd5-8e9f-3f1c6b9b0f1a",
                                     "factors": [{"sid": "YF33333333333333333333333333333333",
                                                  "friendly_name": "Ada's phone",
                                                  "secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}]}]}]}
        """

    @Test("the factor exists, verified, from start; a test computes its codes; a restart makes no second one")
    func knownSecret() async throws {
        let fixtures = try Fixtures.parse(Data(Self.json.utf8), source: "totp.json")
        let path = temporaryDatabasePath()
        let entity = "/v2/Services/VA33333333333333333333333333333333/Entities/ff483d1f-f4d0-4fd5-8e9f-3f1c6b9b0f1a"
        for run in 0..<2 {
            try await withEmulator(
                databasePath: path,
                configure: {
                    $0.add(fixtures)
                    $0.clock.set(to: TOTPFactorTests.start, frozen: true)
                }
            ) { api in
                let factors = try await api.get("\(entity)/Factors").decode(ListPage<FactorResource>.self).items
                #expect(factors.map(\.sid) == ["YF33333333333333333333333333333333"])
                #expect(factors.first?.status == .verified && factors.first?.binding == nil)
                let totp = TOTP(
                    secret: Base32.decode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")!, algorithm: .sha1, digits: 6,
                    timeStep: 30)
                let code = totp.code(
                    counter: totp.counter(atEpochSeconds: Int64(TOTPFactorTests.start.timeIntervalSince1970)))
                let challenge = try await api.post(
                    "\(entity)/Challenges",
                    [("FactorSid", "YF33333333333333333333333333333333"), ("AuthPayload", code)])
                #expect(challenge.status == .created)
                // the first run approves; in the second the same code is spent (a code is good once)
                #expect(try challenge.decode(ChallengeResource.self).status == (run == 0 ? .approved : .pending))
            }
        }
    }

    @Test("a virtual device from the fixtures: verified from start, it answers challenges, a restart keeps it")
    func virtualDevice() async throws {
        let json = """
            {"accounts": [{"sid": "AC11111111111111111111111111111111", "auth_token": "main-token"}],
             "services": [{"sid": "VA33333333333333333333333333333333", "account_sid": "AC11111111111111111111111111111111",
                           "friendly_name": "Acme",
                           "entities": [{"identity": "ff483d1f-f4d0-4fd5-8e9f-3f1c6b9b0f1a",
                                         "devices": [{"sid": "YF44444444444444444444444444444444",
                                                      "friendly_name": "Ada's virtual phone"}]}]}]}
            """
        let fixtures = try Fixtures.parse(Data(json.utf8), source: "devices.json")
        let path = temporaryDatabasePath()
        let entity = "/v2/Services/VA33333333333333333333333333333333/Entities/ff483d1f-f4d0-4fd5-8e9f-3f1c6b9b0f1a"
        for _ in 0..<2 {
            try await withEmulator(databasePath: path, configure: { $0.add(fixtures) }) { api in
                let factors = try await api.get("\(entity)/Factors").decode(ListPage<FactorResource>.self).items
                #expect(factors.map(\.sid) == ["YF44444444444444444444444444444444"])
                #expect(factors.first?.factorType == .push && factors.first?.status == .verified)
                let challenge = try await api.post(
                    "\(entity)/Challenges",
                    [("FactorSid", "YF44444444444444444444444444444444"), ("Details.Message", "Log in?")])
                let sid = try #require(challenge.json["sid"] as? String)
                let approved = try await api.request(.post, "/emulator/v1/challenges/\(sid)/approve", auth: nil)
                #expect(approved.json["status"] as? String == "approved")
                let devices = try await api.get("/emulator/v1/devices", auth: nil).json["devices"] as? [[String: Any]]
                #expect(devices?.count == 1)
            }
        }
    }

    @Test(
        "a bad entity or factor names its field",
        arguments: [
            (#""identity": "short""#, "services[0].entities[0].identity: identity 'short' must be 8 to 64"),
            (
                #""identity": "ff483d1f-0000", "factors": [{"sid": "YF33333333333333333333333333333333", "friendly_name": "x", "secret": "abc"}]"#,
                "services[0].entities[0].factors[0].secret: must be base32 of 10 bytes or more"
            ),
            (
                #""identity": "ff483d1f-0000", "factors": [{"sid": "VA33333333333333333333333333333333", "friendly_name": "x", "secret": "JBSWY3DPEHPK3PXP"}]"#,
                "services[0].entities[0].factors[0].sid: must be YF"
            ),
            (
                #""identity": "ff483d1f-0000", "factors": [{"sid": "YF33333333333333333333333333333333", "friendly_name": "x", "secret": "JBSWY3DPEHPK3PXP", "time_step": 5}]"#,
                "services[0].entities[0].factors[0].time_step: must be 20 to 60 seconds"
            ),
            (#""identity": "ff483d1f-0000", "factorz": []"#, "services[0].entities[0].factorz"),
            (
                #""identity": "ff483d1f-0000", "devices": [{"sid": "YC33333333333333333333333333333333", "friendly_name": "x"}]"#,
                "services[0].entities[0].devices[0].sid: must be YF"
            ),
            (
                #""identity": "ff483d1f-0000", "devices": [{"sid": "YF44444444444444444444444444444444", "name": "x"}]"#,
                "services[0].entities[0].devices[0].friendly_name: missing"
            ),
        ])
    func badEntities(entity: String, expected: String) {
        let json = """
            {"accounts": [{"sid": "AC11111111111111111111111111111111", "auth_token": "t"}],
             "services": [{"sid": "VA33333333333333333333333333333333", "account_sid": "AC11111111111111111111111111111111",
                           "friendly_name": "Acme", "entities": [{\(entity)}]}]}
            """
        #expect {
            try Fixtures.parse(Data(json.utf8), source: "bad.json")
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}
