import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Fixtures")
struct FixturesTests {
    @Test("the shipped fixtures file loads and its services exist at start")
    func shippedFixtures() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
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
