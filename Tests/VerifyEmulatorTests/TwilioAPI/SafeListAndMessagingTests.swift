import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("SafeList, Messaging Configurations and Forms")
struct SafeListAndMessagingTests {
    @Test("a safe-listed number passes Fraud Guard rules (60410, or marked fraud_guard), not other faults")
    func safeList() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            for rule in [
                #"{"endpoint": "verifications", "to": "+15005550003", "error": {"code": 60410}}"#,
                #"{"endpoint": "verifications", "to": "+15005550020", "error": {"code": 60203}, "fraud_guard": true}"#,
                #"{"endpoint": "verifications", "to": "+15005550001", "error": {"code": 60200}}"#,
            ] {
                #expect(try await api.control(.post, "/emulator/v1/faults", json: rule).status == .created)
            }
            #expect(try await api.startVerification(service, to: "+15005550003").error?.code == 60410)

            let added = try await api.post("/v2/SafeList/Numbers", [("PhoneNumber", "+15005550003")])
            #expect(added.status == .created)
            #expect(Set(added.json.keys) == (try specProperties("verify.v2.safelist")))
            let entry = try added.decode(SafeListResource.self)
            #expect(SID(entry.sid, expecting: .safeListNumber) != nil && entry.phoneNumber == "+15005550003")
            #expect(
                try await api.post("/v2/SafeList/Numbers", [("PhoneNumber", "+15005550003")]).json["sid"] as? String
                    == entry.sid)
            _ = try await api.post("/v2/SafeList/Numbers", [("PhoneNumber", "+15005550020")])
            _ = try await api.post("/v2/SafeList/Numbers", [("PhoneNumber", "+15005550001")])

            #expect(try await api.startVerification(service, to: "+15005550003").status == .created)
            #expect(try await api.startVerification(service, to: "+15005550020").status == .created)
            #expect(try await api.startVerification(service, to: "+15005550001").error?.code == 60200)
            // another account's safe list is its own
            let other = try await api.createService(auth: TestAccounts.otherAuth)
            let foreign = try await api.post(
                "/v2/Services/\(other)/Verifications", [("To", "+15005550003"), ("Channel", "sms")],
                auth: TestAccounts.otherAuth)
            #expect(foreign.error?.code == 60410)

            #expect(try await api.get("/v2/SafeList/Numbers/%2B15005550003").decode(SafeListResource.self) == entry)
            #expect(try await api.get("/v2/SafeList/Numbers/+15005550099").status == .notFound)
            #expect(try await api.request(.delete, "/v2/SafeList/Numbers/%2B15005550003").status == .noContent)
            #expect(try await api.request(.delete, "/v2/SafeList/Numbers/%2B15005550003").status == .notFound)
            #expect(try await api.startVerification(service, to: "+15005550003").error?.code == 60410)
            let bad = try await api.post("/v2/SafeList/Numbers", [("PhoneNumber", "5005550003")])
            #expect(bad.status == .badRequest && bad.error?.message == "Invalid parameter: PhoneNumber")
        }
    }

    @Test("messaging configurations: CRUD by country; a message shows its country's Messaging Service, or all's")
    func messagingConfigurations() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let path = "/v2/Services/\(service)/MessagingConfigurations"
            let canada = "MG" + String(repeating: "c", count: 32)
            let everywhere = "MG" + String(repeating: "a", count: 32)
            let created = try await api.post(path, [("Country", "CA"), ("MessagingServiceSid", canada)])
            #expect(created.status == .created)
            #expect(Set(created.json.keys) == (try specProperties("verify.v2.service.messaging_configuration")))
            #expect(try await api.post(path, [("Country", "CA"), ("MessagingServiceSid", canada)]).status == .conflict)
            #expect(
                try await api.post(path, [("Country", "Canada"), ("MessagingServiceSid", canada)]).status == .badRequest
            )
            #expect(
                try await api.post(path, [("Country", "GB"), ("MessagingServiceSid", "XY1")]).status == .badRequest)
            _ = try await api.post(path, [("Country", "all"), ("MessagingServiceSid", everywhere)])
            let list = try await api.get(path).decode(ListPage<MessagingConfigurationResource>.self)
            #expect(list.items.map(\.country) == ["CA", "all"] && list.meta.key == "messaging_configurations")

            _ = try await api.startVerification(service, to: "+15145550123")  // Montréal
            _ = try await api.startVerification(service, to: "+447700900123")
            func messagingService(_ to: String) async throws -> String? {
                let messages = try await api.get("/emulator/v1/messages?to=\(FormData.encode(to))", auth: nil)
                return (messages.json["messages"] as? [[String: Any]])?.first?["messaging_service_sid"] as? String
            }
            #expect(try await messagingService("+15145550123") == canada)
            #expect(try await messagingService("+447700900123") == everywhere)

            let other = "MG" + String(repeating: "b", count: 32)
            let updated = try await api.post("\(path)/CA", [("MessagingServiceSid", other)])
            #expect(try updated.decode(MessagingConfigurationResource.self).messagingServiceSid == other)
            #expect(
                try await api.get("\(path)/CA").decode(MessagingConfigurationResource.self).messagingServiceSid == other
            )
            #expect(try await api.request(.delete, "\(path)/CA").status == .noContent)
            #expect(try await api.get("\(path)/CA").status == .notFound)
            #expect(try await api.post("\(path)/CA", [("MessagingServiceSid", other)]).status == .notFound)
        }
    }

    @Test("forms: form-push in the spec's shape; another type is 404")
    func forms() async throws {
        try await withEmulator { api in
            let form = try await api.get("/v2/Forms/form-push")
            #expect(form.status == .ok)
            #expect(Set(form.json.keys) == (try specProperties("verify.v2.form")))
            #expect(
                (form.json["forms"] as? [String: Any])?.keys.sorted() == [
                    "create_challenge", "create_factor", "verify_factor",
                ])
            #expect(try await api.get("/v2/Forms/form-sms").status == .notFound)
            #expect(try await api.get("/v2/Forms/form-push", auth: nil).status == .unauthorized)
        }
    }

    @Test("PhoneCountry: calling codes, Canada's area codes, unknown codes")
    func phoneCountry() {
        #expect(PhoneCountry.of("+15145550123") == "CA")
        #expect(PhoneCountry.of("+15005550006") == "US")
        #expect(PhoneCountry.of("+447700900123") == "GB")
        #expect(PhoneCountry.of("+35312345678") == "IE")
        #expect(PhoneCountry.of("+999123456") == nil)
        #expect(PhoneCountry.of("user@example.com") == nil)
    }
}
