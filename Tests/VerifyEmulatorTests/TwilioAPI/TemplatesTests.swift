import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Templates: the catalogue, and TemplateSid with its substitutions shaping the message")
struct TemplatesTests {
    static let withWarning = "HJ00000000000000000000000000000001"
    static let short = "HJ00000000000000000000000000000002"
    static let withAppName = "HJ00000000000000000000000000000003"

    @Test("the catalogue: spec keys, FriendlyName filter, paging")
    func catalogue() async throws {
        try await withEmulator { api in
            let all = try await api.get("/v2/Templates")
            let page = try all.decode(ListPage<TemplateResource>.self)
            #expect(page.items.map(\.sid) == [Self.withWarning, Self.short, Self.withAppName])
            #expect(page.meta.key == "templates")
            let first = try #require((all.json["templates"] as? [[String: Any]])?.first)
            #expect(Set(first.keys) == (try specProperties("verify.v2.verification_template")))
            #expect(page.items.first?.translations["en"]?.isDefaultTranslation == true)
            #expect(page.items.first?.accountSid == TestAccounts.main.sid.rawValue)
            let base = try await api.get("/v2/Templates?FriendlyName=base").decode(ListPage<TemplateResource>.self)
            #expect(base.items.count == 2)
            let paged = try await api.get("/v2/Templates?PageSize=1&Page=1").decode(ListPage<TemplateResource>.self)
            #expect(paged.items.map(\.sid) == [Self.short] && paged.meta.nextPageURL != nil)
        }
    }

    @Test("TemplateSid picks the text (in the verification's language), substitutions fill it, bad ones are 400")
    func shapesTheMessage() async throws {
        try await withEmulator { api in
            let service = try await api.createService("Shop")
            _ = try await api.control(.post, "/emulator/v1/codes", json: #"{"code": "123456"}"#)
            func body(_ to: String, _ extra: [(String, String)]) async throws -> String? {
                let started = try await api.startVerification(service, to: to, extra)
                #expect(started.status == .created, "\(started.error as Any)")
                return try await api.lastMessage(to: to)?.body
            }
            #expect(
                try await body("+15005550101", [("TemplateSid", Self.withWarning)])
                    == "Your Shop verification code is: 123456. Do not share this code with anyone.")
            #expect(
                try await body("+15005550102", [("TemplateSid", Self.withWarning), ("Locale", "es")])
                    == "Tu código de verificación de Shop es: 123456. No compartas este código con nadie.")
            #expect(
                try await body(
                    "+15005550103",
                    [("TemplateSid", Self.withAppName), ("TemplateCustomSubstitutions", #"{"app_name": "Shop app"}"#)])
                    == "123456 is your code to log in to Shop app on Shop.")
            for (extra, hint) in [
                ([("TemplateSid", Self.withAppName)], "needs a value for 'app_name'"),
                (
                    [("TemplateSid", Self.short), ("TemplateCustomSubstitutions", #"{"app_name": "x"}"#)],
                    "has no variable 'app_name'"
                ),
                ([("TemplateSid", "HJ" + String(repeating: "9", count: 32))], "is not a template"),
                ([("TemplateCustomSubstitutions", #"{"a": "b"}"#)], "needs a TemplateSid"),
                ([("TemplateSid", Self.withAppName), ("TemplateCustomSubstitutions", "[1]")], "JSON object"),
            ] {
                let refused = try await api.startVerification(service, to: "+15005550104", extra)
                #expect(refused.status == .badRequest, "\(hint)")
                let log = try await api.get("/emulator/v1/requests?limit=1&errors=true", auth: nil)
                let logged = (log.json["requests"] as? [[String: Any]])?.first?["hint"] as? String
                #expect(logged?.contains(hint) == true, "\(logged ?? "nil") should say \(hint)")
            }
            // the Service's DefaultTemplateSid applies when the verification names none
            _ = try await api.post("/v2/Services/\(service)", [("DefaultTemplateSid", Self.short)])
            #expect(try await body("+15005550105", []) == "Your verification code is: 123456. Do not share it.")
        }
    }
}
