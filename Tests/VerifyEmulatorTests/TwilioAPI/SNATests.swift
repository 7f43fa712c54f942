import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Silent Network Auth and the auto channel")
struct SNATests {
    /// The path of an SNA URL (the emulator hosts it), and what opening it answers.
    static func open(_ api: EmulatorClient, _ url: String) async throws -> String {
        let path = String(url[try #require(url.range(of: "/emulator/v1/sna/")).lowerBound...])
        let response = try await api.request(.get, path, auth: nil)
        #expect(response.status == .ok)
        return String(decoding: response.body, as: UTF8.self)
    }

    @Test("sna: the URL in the start, 60519 before it is opened, approved after by a check with no code")
    func approval() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let started = try await api.startVerification(service, to: "+15005550006", channel: "sna")
            #expect(started.status == .created)
            let verification = try started.decode(VerificationResource.self)
            #expect(verification.channel == "sna" && verification.sendCodeAttempts.first?.channel == "SNA")
            let url = try #require(verification.sna?["url"])
            #expect(url.hasPrefix("http://localhost/emulator/v1/sna/\(verification.sendCodeAttempts[0].attemptSid)/"))
            let early = try await api.post("/v2/Services/\(service)/VerificationCheck", [("To", "+15005550006")])
            #expect(early.status == .badRequest && early.error?.code == 60519)

            #expect(try await Self.open(api, url) == "ErrorCode=0&ErrorDescription=Success&Carrier=EMU")
            #expect(try await Self.open(api, url).hasPrefix("ErrorCode=60510&"))  // usable once
            let checked = try await api.post("/v2/Services/\(service)/VerificationCheck", [("To", "+15005550006")])
            #expect(checked.json["status"] as? String == "approved")
            #expect(checked.json["sna_attempts_error_codes"] as? [Int] == [])
            // a wrong token opens nothing
            #expect(try await Self.open(api, url.dropLast(4) + "beef").hasPrefix("ErrorCode=60510&"))
            // Attempts lists the channels of the spec's enum, which has no sna
            let attempts = try await api.get("/v2/Attempts").decode(ListPage<VerificationAttemptResource>.self)
            #expect(attempts.items.isEmpty)
            let attemptSid = verification.sendCodeAttempts[0].attemptSid
            #expect(try await api.get("/v2/Attempts/\(attemptSid)").status == .notFound)
        }
    }

    @Test("a SIM that does not match (+15005550012): 60500 when opened, the check stays pending and lists it")
    func mismatch() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let started = try await api.startVerification(service, to: "+15005550012", channel: "sna")
            let url = try #require(try started.decode(VerificationResource.self).sna?["url"])
            #expect(try await Self.open(api, url) == "ErrorCode=60500&ErrorDescription=Phone%20number%20mismatch")
            let checked = try await api.post("/v2/Services/\(service)/VerificationCheck", [("To", "+15005550012")])
            #expect(checked.json["status"] as? String == "pending")
            #expect(checked.json["sna_attempts_error_codes"] as? [Int] == [60500])
        }
    }

    @Test("an SNA URL expires after 10 minutes on the emulator clock")
    func expiry() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let started = try await api.startVerification(service, to: "+15005550006", channel: "sna")
            let url = try #require(try started.decode(VerificationResource.self).sna?["url"])
            api.clock.advance(by: .seconds(601))
            #expect(try await Self.open(api, url).hasPrefix("ErrorCode=60510&"))
        }
    }

    @Test("auto: SNA for a number whose carriers have it, SMS otherwise; codes stay required off SNA")
    func auto() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let canadian = try await api.startVerification(service, to: "+15145550123", channel: "auto")
            #expect(try canadian.decode(VerificationResource.self).channel == "sna")
            #expect(try canadian.decode(VerificationResource.self).sna?["url"] != nil)
            let japanese = try await api.startVerification(service, to: "+81312345678", channel: "auto")
            let sms = try japanese.decode(VerificationResource.self)
            #expect(sms.channel == "sms" && sms.sna == nil)
            #expect(try await api.lastMessage(to: "+81312345678")?.code.isEmpty == false)
            let noCode = try await api.post("/v2/Services/\(service)/VerificationCheck", [("To", "+81312345678")])
            #expect(noCode.error?.message == "Invalid parameter: Code")
            let code = try #require(try await api.lastMessage(to: "+81312345678")).code
            let checked = try await api.check(service, to: "+81312345678", code: code)
            #expect(checked.json["status"] as? String == "approved")
            #expect(
                checked.json.keys.contains("sna_attempts_error_codes")
                    && checked.json["sna_attempts_error_codes"] is NSNull)
        }
    }
}
