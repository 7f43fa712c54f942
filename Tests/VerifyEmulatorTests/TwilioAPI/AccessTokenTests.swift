import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Verify AccessTokens")
struct AccessTokenTests {
    @Test("create (201, Ttl default 60) and fetch; missing or bad parameters are 400/60305")
    func createAndFetch() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let path = "/v2/Services/\(service)/AccessTokens"
            let created = try await api.post(
                path, [("Identity", TOTPFactorTests.identity), ("FactorType", "push"), ("FactorFriendlyName", "Ada")])
            #expect(created.status == .created)
            #expect(Set(created.json.keys) == (try specProperties("verify.v2.service.access_token")))
            let token = try created.decode(AccessTokenResource.self)
            #expect(token.sid.hasPrefix("YK") && token.ttl == 60 && token.factorType == .push)
            #expect(token.entityIdentity == TOTPFactorTests.identity && token.factorFriendlyName == "Ada")
            // shaped as Twilio's: a compact JWE with an empty key part
            let parts = token.token.split(separator: ".", omittingEmptySubsequences: false)
            #expect(parts.count == 5 && parts[1].isEmpty)
            #expect(try await api.get("\(path)/\(token.sid)").decode(AccessTokenResource.self) == token)
            let longer = try await api.post(
                path, [("Identity", TOTPFactorTests.identity), ("FactorType", "push"), ("Ttl", "300")])
            #expect(try longer.decode(AccessTokenResource.self).ttl == 300)
            #expect(try longer.decode(AccessTokenResource.self).token != token.token)

            for (form, hint) in [
                ([("FactorType", "push")], "Identity"), ([("Identity", TOTPFactorTests.identity)], "FactorType"),
                ([("Identity", TOTPFactorTests.identity), ("FactorType", "totp")], "FactorType"),
            ] {
                let refused = try await api.post(path, form)
                #expect(refused.status == .badRequest && refused.error?.code == 60305, "\(form)")
                // the request log says which
                let log = try await api.get("/emulator/v1/requests?errors=true&limit=1", auth: nil)
                let entry = (log.json["requests"] as? [[String: Any]])?.first
                #expect((entry?["hint"] as? String)?.contains(hint) == true, "\(entry ?? [:])")
            }
            let ttl = try await api.post(
                path, [("Identity", TOTPFactorTests.identity), ("FactorType", "push"), ("Ttl", "30")])
            #expect(ttl.status == .badRequest)
            #expect(try await api.get("\(path)/\(token.sid)", auth: TestAccounts.otherAuth).status == .notFound)
        }
    }
}
