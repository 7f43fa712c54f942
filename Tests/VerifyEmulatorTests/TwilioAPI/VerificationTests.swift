import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Verifications")
struct VerificationTests {
    @Test("create returns 201 pending with every field of the spec and delivers the code")
    func create() async throws {
        try await withEmulator { api in
            let service = try await api.createService("Acme", [("CodeLength", "8")])
            let response = try await api.startVerification(service)
            #expect(response.status == .created)
            #expect(Set(response.json.keys) == (try specProperties("verify.v2.service.verification")))
            let verification = try response.decode(VerificationResource.self)
            #expect(verification.sid.hasPrefix("VE") && verification.sid.count == 34)
            #expect(verification.status == .pending)
            #expect(verification.valid == false)
            #expect(verification.to == "+15005550006")
            #expect(verification.channel == "sms")
            #expect(verification.serviceSid == service)
            #expect(verification.url == "http://localhost/v2/Services/\(service)/Verifications/\(verification.sid)")
            #expect(verification.sendCodeAttempts.count == 1)
            #expect(verification.sendCodeAttempts[0].channel == "SMS")
            #expect(verification.sendCodeAttempts[0].attemptSid.hasPrefix("VL"))

            let message = try #require(try await api.lastMessage())
            #expect(message.verificationSid == verification.sid)
            #expect(message.sid == verification.sendCodeAttempts[0].attemptSid)
            #expect(message.code.count == 8)
            #expect(message.code.allSatisfy { $0.isNumber })
            #expect(message.body == "Your Acme verification code is: \(message.code)")
            #expect(message.channel == "sms")
        }
    }

    @Test("codes are random digits of the service's length")
    func randomCodes() async throws {
        var codes = Set<String>()
        for _ in 0..<200 {
            let code = VerificationStore.randomCode(length: 6)
            #expect(code.count == 6 && code.allSatisfy { $0.isNumber })
            codes.insert(code)
        }
        #expect(codes.count > 190, "200 six-digit codes from a CSPRNG should almost never repeat")
    }

    @Test("a second start for the same To resends the same code on the same SID")
    func resend() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let first = try await api.startVerification(service).decode(VerificationResource.self)
            let firstCode = try #require(try await api.lastMessage()).code
            let second = try await api.startVerification(service, channel: "call")
            #expect(second.status == .created)
            let resent = try second.decode(VerificationResource.self)
            #expect(resent.sid == first.sid)
            #expect(resent.channel == "call")
            #expect(resent.sendCodeAttempts.map(\.channel) == ["SMS", "CALL"])
            let message = try #require(try await api.lastMessage())
            #expect(message.code == firstCode)
            #expect(message.channel == "call")
            #expect(message.body.contains(firstCode.map(String.init).joined(separator: ", ")))
        }
    }

    @Test("a sixth send to one To within 10 minutes is 429/60203, allowed again after the window")
    func sendLimit() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            for _ in 0..<5 { #expect(try await api.startVerification(service).status == .created) }
            let refused = try await api.startVerification(service)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.error?.code == 60203)
            #expect(refused.error?.message == "Max send attempts reached")
            // another recipient is not affected
            #expect(try await api.startVerification(service, to: "+15005550007").status == .created)
            api.clock.advance(by: .seconds(601))
            #expect(try await api.startVerification(service).status == .created)
        }
    }

    @Test(
        "bad To and Channel get 400/60200 naming the parameter",
        arguments: [
            ("15005550006", "sms", "To"),
            ("+1 500 555 0006", "sms", "To"),
            ("+1500555abcd", "sms", "To"),
            ("+123", "sms", "To"),
            ("+1234567890123456", "sms", "To"),
            ("+05005550006", "call", "To"),
            ("", "sms", "To"),
            ("user@example.com", "sms", "To"),
            ("not-an-email", "email", "To"),
            ("a@b", "email", "To"),
            ("+15005550006", "pigeon", "Channel"),
            ("+15005550006", "", "Channel"),
        ])
    func invalidRecipient(to: String, channel: String, parameter: String) async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let response = try await api.startVerification(service, to: to, channel: channel)
            #expect(response.status == .badRequest)
            #expect(response.error?.code == 60200)
            #expect(response.error?.message == "Invalid parameter: \(parameter)")
            #expect(try await api.lastMessage(to: to) == nil)
        }
    }

    @Test("email and whatsapp channels deliver to the outbox")
    func otherChannels() async throws {
        try await withEmulator { api in
            let service = try await api.createService("Mailer")
            let email = try await api.startVerification(service, to: "user@example.com", channel: "email")
            #expect(email.status == .created)
            let mail = try #require(try await api.lastMessage(to: "user@example.com"))
            #expect(mail.channel == "email")
            #expect(mail.body.contains("Your Mailer verification code is: \(mail.code)"))
            let whatsapp = try await api.startVerification(service, to: "+15005550009", channel: "whatsapp")
            #expect(try whatsapp.decode(VerificationResource.self).sendCodeAttempts.first?.channel == "WHATSAPP")
        }
    }

    @Test("CustomCode needs custom_code_enabled")
    func customCode() async throws {
        try await withEmulator { api in
            let plain = try await api.createService("Plain")
            let refused = try await api.startVerification(plain, [("CustomCode", "4242")])
            #expect(refused.status == .badRequest)
            #expect(refused.error?.code == 60204)

            let custom = try await api.createService("Custom", [("CustomCodeEnabled", "true")])
            #expect(try await api.startVerification(custom, [("CustomCode", "4242")]).status == .created)
            #expect(try await api.lastMessage()?.code == "4242")
            #expect(
                try await api.check(custom, code: "4242").decode(VerificationCheckResource.self).status == .approved)

            let tooShort = try await api.startVerification(custom, to: "+15005550008", [("CustomCode", "123")])
            #expect(tooShort.error?.code == 60200)
            #expect(tooShort.error?.message == "Invalid parameter: CustomCode")
        }
    }

    @Test("Locale, CustomFriendlyName and the do-not-share warning shape the message")
    func messageText() async throws {
        try await withEmulator { api in
            let service = try await api.createService("Acme", [("DoNotShareWarningEnabled", "true")])
            _ = try await api.startVerification(service, [("Locale", "es"), ("CustomFriendlyName", "Tienda")])
            let spanish = try #require(try await api.lastMessage())
            #expect(spanish.body.hasPrefix("Tu código de verificación de Tienda es: \(spanish.code)"))
            #expect(spanish.body.contains("No compartas"))

            _ = try await api.startVerification(service, to: "+15005550010", [("Locale", "ja")])
            let fallback = try #require(try await api.lastMessage(to: "+15005550010"))
            #expect(fallback.body.hasPrefix("Your Acme verification code is: \(fallback.code)"))

            let bad = try await api.startVerification(service, to: "+15005550011", [("Locale", "not a locale")])
            #expect(bad.error?.message == "Invalid parameter: Locale")
        }
    }

    @Test("fetch a pending verification; 404 for unknown ones and other services")
    func fetch() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let other = try await api.createService("Other")
            let created = try await api.startVerification(service).decode(VerificationResource.self)
            let fetched = try await api.get("/v2/Services/\(service)/Verifications/\(created.sid)")
            #expect(fetched.status == .ok)
            #expect(try fetched.decode(VerificationResource.self) == created)
            #expect(try await api.get("/v2/Services/\(other)/Verifications/\(created.sid)").status == .notFound)
            let unknown = try await api.get(
                "/v2/Services/\(service)/Verifications/VE" + String(repeating: "1", count: 32))
            #expect(unknown.error?.code == 20404)
            #expect(try await api.get("/v2/Services/\(service)/Verifications/nope").error?.code == 20404)
        }
    }

    @Test("update to canceled or approved ends the verification")
    func update() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let first = try await api.startVerification(service).decode(VerificationResource.self)
            let path = "/v2/Services/\(service)/Verifications/\(first.sid)"

            let bad = try await api.post(path, [("Status", "pending")])
            #expect(bad.status == .badRequest)
            #expect(bad.error?.message == "Invalid parameter: Status")
            #expect(try await api.post(path, []).error?.message == "Invalid parameter: Status")

            let canceled = try await api.post(path, [("Status", "canceled")])
            #expect(canceled.status == .ok)
            #expect(try canceled.decode(VerificationResource.self).status == .canceled)
            #expect(try await api.get(path).status == .notFound)
            let code = try #require(try await api.lastMessage()).code
            #expect(try await api.check(service, code: code).status == .notFound)
            #expect(try await api.post(path, [("Status", "approved")]).status == .notFound)

            // a new start after a cancel is a new verification
            let second = try await api.startVerification(service).decode(VerificationResource.self)
            #expect(second.sid != first.sid)
            let approved = try await api.post(
                "/v2/Services/\(service)/Verifications/\(second.sid)", [("Status", "approved")])
            let resource = try approved.decode(VerificationResource.self)
            #expect(resource.status == .approved)
            #expect(resource.valid == true)
        }
    }

    @Test("the newest verification for a To is the last one started, even after the clock is set back")
    func newestAfterClockSetBack() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let first = try await api.startVerification(service).decode(VerificationResource.self)
            let path = "/v2/Services/\(service)/Verifications/\(first.sid)"
            #expect(try await api.post(path, [("Status", "canceled")]).status == .ok)
            // The next verification's messages carry earlier times than the first one's.
            api.clock.set(to: api.clock.now().addingTimeInterval(-3600))
            let second = try await api.startVerification(service).decode(VerificationResource.self)
            #expect(second.sid != first.sid)
            let resent = try await api.startVerification(service).decode(VerificationResource.self)
            #expect(resent.sid == second.sid)
            #expect(resent.sendCodeAttempts.count == 2)
            let code = try #require(try await api.lastMessage()).code
            let checked = try await api.check(service, code: code).decode(VerificationCheckResource.self)
            #expect(checked.sid == second.sid)
            #expect(checked.status == .approved)
        }
    }

    @Test("the send limit counts the sends inside the window, across its edge")
    func sendWindowEdge() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            for _ in 0..<3 { #expect(try await api.startVerification(service).status == .created) }
            api.clock.advance(by: .seconds(400))
            for _ in 0..<2 { #expect(try await api.startVerification(service).status == .created) }
            #expect(try await api.startVerification(service).error?.code == 60203)
            // The first three leave the window; the two later ones still count.
            api.clock.advance(by: .seconds(201))
            for _ in 0..<3 { #expect(try await api.startVerification(service).status == .created) }
            let refused = try await api.startVerification(service)
            #expect(refused.error?.code == 60203)
            #expect(refused.status == .tooManyRequests)
        }
    }
}
