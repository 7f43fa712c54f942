import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Services")
struct ServiceTests {
    @Test("create returns 201 with every field of the spec and Twilio's defaults")
    func createWithDefaults() async throws {
        try await withEmulator { api in
            let response = try await api.post("/v2/Services", [("FriendlyName", "My App")])
            #expect(response.status == .created)
            let json = response.json
            #expect(Set(json.keys) == (try specProperties("verify.v2.service")))
            let service = try response.decode(ServiceResource.self)
            #expect(service.sid.hasPrefix("VA") && service.sid.count == 34)
            #expect(service.accountSid == TestAccounts.main.sid.rawValue)
            #expect(service.friendlyName == "My App")
            #expect(service.codeLength == 6)
            #expect(service.customCodeEnabled == false)
            #expect(service.dtmfInputRequired == true)
            #expect(service.totp == .init(issuer: "My App", timeStep: 30, codeLength: 6, skew: 1))
            #expect(service.url == "http://localhost/v2/Services/\(service.sid)")
            #expect(service.links["verifications"] == "http://localhost/v2/Services/\(service.sid)/Verifications")
            #expect(
                service.links["verification_checks"] == "http://localhost/v2/Services/\(service.sid)/VerificationCheck")
            #expect(service.links["rate_limits"] == "http://localhost/v2/Services/\(service.sid)/RateLimits")
            #expect(TwilioDate.parse(service.dateCreated) != nil)
            // nulls are sent, not omitted
            #expect(json["tts_name"] is NSNull)
            #expect(json["default_template_sid"] is NSNull)
        }
    }

    @Test("create honours every settable parameter")
    func createWithSettings() async throws {
        try await withEmulator { api in
            let response = try await api.post(
                "/v2/Services",
                [
                    ("FriendlyName", "Bank"), ("CodeLength", "8"), ("LookupEnabled", "true"),
                    ("SkipSmsToLandlines", "true"), ("DtmfInputRequired", "false"), ("TtsName", "voice"),
                    ("Psd2Enabled", "True"), ("DoNotShareWarningEnabled", "true"), ("CustomCodeEnabled", "true"),
                    ("Push.IncludeDate", "true"), ("Push.ApnCredentialSid", "CR" + String(repeating: "a", count: 32)),
                    ("Totp.Issuer", "Bank Inc"), ("Totp.TimeStep", "60"), ("Totp.CodeLength", "8"),
                    ("Totp.Skew", "2"), ("DefaultTemplateSid", "HJ" + String(repeating: "b", count: 32)),
                    ("Whatsapp.MsgServiceSid", "MG" + String(repeating: "c", count: 32)),
                    ("Whatsapp.From", "whatsapp:+15005550006"), ("Passkeys.RelyingParty.Id", "example.com"),
                    ("Passkeys.RelyingParty.Origins", "example.com, login.example.com"),
                    ("Passkeys.UserVerification", "discouraged"), ("VerifyEventSubscriptionEnabled", "true"),
                ])
            #expect(response.status == .created)
            let service = try response.decode(ServiceResource.self)
            #expect(service.codeLength == 8)
            #expect(service.lookupEnabled && service.skipSmsToLandlines && service.psd2Enabled)
            #expect(!service.dtmfInputRequired)
            #expect(service.ttsName == "voice")
            #expect(service.doNotShareWarningEnabled && service.customCodeEnabled)
            #expect(service.push.includeDate == true)
            #expect(service.push.apnCredentialSid == "CR" + String(repeating: "a", count: 32))
            #expect(service.totp == .init(issuer: "Bank Inc", timeStep: 60, codeLength: 8, skew: 2))
            #expect(service.defaultTemplateSid == "HJ" + String(repeating: "b", count: 32))
            #expect(service.whatsapp.from == "whatsapp:+15005550006")
            #expect(service.passkeys.relyingParty.origins == ["example.com", "login.example.com"])
            #expect(service.passkeys.userVerification == "discouraged")
            #expect(service.verifyEventSubscriptionEnabled)
        }
    }

    @Test(
        "bad parameters get 400/60200 naming the parameter",
        arguments: [
            ([("CodeLength", "6")], "FriendlyName"),
            ([("FriendlyName", "")], "FriendlyName"),
            ([("FriendlyName", String(repeating: "x", count: 33))], "FriendlyName"),
            ([("FriendlyName", "A"), ("CodeLength", "3")], "CodeLength"),
            ([("FriendlyName", "A"), ("CodeLength", "11")], "CodeLength"),
            ([("FriendlyName", "A"), ("CodeLength", "six")], "CodeLength"),
            ([("FriendlyName", "A"), ("LookupEnabled", "yes")], "LookupEnabled"),
            ([("FriendlyName", "A"), ("Push.ApnCredentialSid", "CR123")], "Push.ApnCredentialSid"),
            ([("FriendlyName", "A"), ("Totp.TimeStep", "10")], "Totp.TimeStep"),
            ([("FriendlyName", "A"), ("Totp.Skew", "3")], "Totp.Skew"),
            ([("FriendlyName", "A"), ("Passkeys.UserVerification", "always")], "Passkeys.UserVerification"),
        ])
    func invalidParameters(form: [(String, String)], parameter: String) async throws {
        try await withEmulator { api in
            let response = try await api.post("/v2/Services", form)
            #expect(response.status == .badRequest)
            let error = try #require(response.error)
            #expect(error.code == 60200)
            #expect(error.status == 400)
            #expect(error.message == "Invalid parameter: \(parameter)")
            #expect(error.moreInfo == "https://www.twilio.com/docs/errors/60200")
            let list = try await api.get("/v2/Services").decode(ListPage<ServiceResource>.self)
            #expect(list.items.isEmpty, "nothing is stored by a refused create")
        }
    }

    @Test("fetch, update and delete")
    func fetchUpdateDelete() async throws {
        try await withEmulator { api in
            let sid = try await api.createService("Before")
            let fetched = try await api.get("/v2/Services/\(sid)")
            #expect(fetched.status == .ok)
            #expect(try fetched.decode(ServiceResource.self).friendlyName == "Before")

            let updated = try await api.post("/v2/Services/\(sid)", [("FriendlyName", "After"), ("CodeLength", "4")])
            #expect(updated.status == .ok)
            let service = try updated.decode(ServiceResource.self)
            #expect(service.friendlyName == "After")
            #expect(service.codeLength == 4)
            #expect(try await api.get("/v2/Services/\(sid)").decode(ServiceResource.self).codeLength == 4)

            let badUpdate = try await api.post("/v2/Services/\(sid)", [("CodeLength", "12")])
            #expect(badUpdate.error?.code == 60200)
            #expect(try await api.get("/v2/Services/\(sid)").decode(ServiceResource.self).codeLength == 4)

            let deleted = try await api.request(.delete, "/v2/Services/\(sid)")
            #expect(deleted.status == .noContent)
            #expect(deleted.body.isEmpty)
            let gone = try await api.get("/v2/Services/\(sid)")
            #expect(gone.status == .notFound)
            #expect(gone.error?.code == 20404)
            #expect(gone.error?.message == "The requested resource /v2/Services/\(sid) was not found")
            #expect(try await api.request(.delete, "/v2/Services/\(sid)").status == .notFound)
            #expect(try await api.post("/v2/Services/\(sid)", [("FriendlyName", "X")]).status == .notFound)
        }
    }

    @Test("unknown and malformed service SIDs are 404/20404")
    func unknownService() async throws {
        try await withEmulator { api in
            for path in [
                "/v2/Services/VA" + String(repeating: "0", count: 32), "/v2/Services/VAnot-a-sid", "/v2/Services/XX123",
            ] {
                let response = try await api.get(path)
                #expect(response.status == .notFound)
                #expect(response.error?.code == 20404)
            }
        }
    }

    @Test("accounts never see each other's services")
    func accountIsolation() async throws {
        try await withEmulator { api in
            let sid = try await api.createService("Mine")
            #expect(try await api.get("/v2/Services/\(sid)", auth: TestAccounts.otherAuth).status == .notFound)
            #expect(
                try await api.post("/v2/Services/\(sid)", [("FriendlyName", "Theirs")], auth: TestAccounts.otherAuth)
                    .status == .notFound)
            #expect(
                try await api.request(.delete, "/v2/Services/\(sid)", auth: TestAccounts.otherAuth).status == .notFound)
            let start = try await api.post(
                "/v2/Services/\(sid)/Verifications", [("To", "+15005550006"), ("Channel", "sms")],
                auth: TestAccounts.otherAuth)
            #expect(start.status == .notFound)
            let theirs = try await api.get("/v2/Services", auth: TestAccounts.otherAuth).decode(
                ListPage<ServiceResource>.self)
            #expect(theirs.items.isEmpty)
            #expect(try await api.get("/v2/Services/\(sid)").status == .ok)
        }
    }

    @Test("list pages with PageSize/Page and the Twilio meta envelope")
    func listPaging() async throws {
        try await withEmulator { api in
            var created: [String] = []
            for index in 0..<5 { created.append(try await api.createService("Service \(index)")) }

            let first = try await api.get("/v2/Services?PageSize=2")
            #expect(first.status == .ok)
            #expect(Set(first.json.keys) == ["services", "meta"])
            let page0 = try first.decode(ListPage<ServiceResource>.self)
            #expect(page0.items.map(\.sid) == Array(created[0..<2]))
            #expect(page0.meta.key == "services")
            #expect(page0.meta.page == 0 && page0.meta.pageSize == 2)
            #expect(page0.meta.previousPageURL == nil)
            #expect(page0.meta.firstPageURL == "http://localhost/v2/Services?PageSize=2&Page=0")
            let nextPrefix = "http://localhost/v2/Services?PageSize=2&Page=1&PageToken=PA"
            #expect(page0.meta.nextPageURL?.hasPrefix(nextPrefix) == true)

            var sids = page0.items.map(\.sid)
            var next = page0.meta.nextPageURL
            var pages = 1
            while let url = next {
                let path = String(url.dropFirst("http://localhost".count))
                let page = try await api.get(path).decode(ListPage<ServiceResource>.self)
                sids += page.items.map(\.sid)
                #expect(page.meta.previousPageURL != nil)
                next = page.meta.nextPageURL
                pages += 1
            }
            #expect(pages == 3)
            #expect(sids == created)

            let all = try await api.get("/v2/Services").decode(ListPage<ServiceResource>.self)
            #expect(all.meta.pageSize == 50)
            #expect(all.items.count == 5)
            #expect(all.meta.nextPageURL == nil)

            for bad in ["PageSize=0", "PageSize=1001", "PageSize=x", "Page=-1"] {
                let response = try await api.get("/v2/Services?\(bad)")
                #expect(response.status == .badRequest, "\(bad)")
                #expect(response.error?.code == 60200)
            }
        }
    }

    @Test("--public-url replaces the request host in every URL")
    func publicURL() async throws {
        try await withEmulator(configure: { $0.publicURL = "https://verify.example.test" }) { api in
            let sid = try await api.createService()
            let service = try await api.get("/v2/Services/\(sid)").decode(ServiceResource.self)
            #expect(service.url == "https://verify.example.test/v2/Services/\(sid)")
            let list = try await api.get("/v2/Services?PageSize=1").decode(ListPage<ServiceResource>.self)
            #expect(list.meta.url == "https://verify.example.test/v2/Services?PageSize=1&Page=0")
        }
    }
}
