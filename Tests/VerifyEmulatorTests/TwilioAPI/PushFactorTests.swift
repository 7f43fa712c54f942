import Foundation
import HTTPTypes
import Testing
import VerifyWire

@testable import VerifyEmulator

/// The Verify Push device protocol, played by ``TestPhone`` over real HTTP: enrolment with an
/// access token, device JWTs, factor verification, challenges answered by signed JWTs.
@Suite("Verify Push: factors, device JWTs, challenges, notifications")
struct PushFactorTests {
    static let identity = "0f9d4c1e-push-4c7b-9d2e-aa11bb22cc33"
    static let account = TestAccounts.main.sid.rawValue
    static let signatureFields = HTTPField.Name("Twilio-Verify-Signature-Fields")!

    static func path(_ service: String, _ rest: String) -> String {
        "/v2/Services/\(service)/Entities/\(identity)/\(rest)"
    }

    static func tokenAuth(_ token: String) -> String {
        "Basic " + Data("token:\(token)".utf8).base64EncodedString()
    }

    /// An access token for `identity` on `service`.
    static func accessToken(
        _ api: EmulatorClient, _ service: String, identity: String = identity
    ) async throws
        -> String
    {
        let created = try await api.post(
            "/v2/Services/\(service)/AccessTokens", [("Identity", identity), ("FactorType", "push")])
        return try #require(created.json["token"] as? String)
    }

    static func createForm(_ phone: TestPhone) -> [(String, String)] {
        [
            ("FriendlyName", "Ada's phone"), ("FactorType", "push"), ("Binding.Alg", "ES256"),
            ("Binding.PublicKey", phone.publicKey), ("Config.SdkVersion", "2.2.2"),
            ("Config.AppId", "com.example.app"), ("Config.NotificationPlatform", "fcm"),
            ("Config.NotificationToken", String(repeating: "t", count: 64)), ("Metadata", #"{"os": "Android"}"#),
        ]
    }

    /// A push factor created and verified by `phone`; its SID and credential SID.
    static func enrolledFactor(
        _ api: EmulatorClient, _ service: String, _ phone: TestPhone
    ) async throws -> (sid: String, credential: String) {
        let created = try await api.post(
            path(service, "Factors"), createForm(phone), auth: tokenAuth(try await accessToken(api, service)))
        let factor = try created.decode(FactorResource.self)
        let credential = try #require(factor.config.push?.credentialSid)
        let verified = try await api.post(
            path(service, "Factors/\(factor.sid)"), [("AuthPayload", try phone.signature(of: factor.sid))],
            auth: try phone.authorization(credentialSid: credential, accountSid: account, now: api.clock.now()))
        #expect(verified.status == .ok && verified.json["status"] as? String == "verified")
        return (factor.sid, credential)
    }

    @Test("enrolment: an access token creates one push factor; its binding and config as the SDKs read them")
    func enrolment() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let phone = TestPhone()
            let token = try await Self.accessToken(api, service)
            let created = try await api.post(
                Self.path(service, "Factors"), Self.createForm(phone), auth: Self.tokenAuth(token))
            #expect(created.status == .created)
            #expect(Set(created.json.keys) == (try specProperties("verify.v2.service.entity.new_factor")))
            let factor = try created.decode(FactorResource.self)
            #expect(factor.factorType == .push && factor.status == .unverified && factor.metadata == ["os": "Android"])
            #expect(factor.binding == .push(alg: "ES256", publicKey: phone.publicKey))
            let config = try #require(factor.config.push)
            #expect(SID(config.credentialSid, expecting: .credential) != nil)
            #expect(config.appId == "com.example.app" && config.sdkVersion == "2.2.2")
            #expect(config.notificationPlatform == .fcm && config.notificationToken?.count == 64)
            // a token admits one factor, for its own identity, within its ttl
            let again = try await api.post(
                Self.path(service, "Factors"), Self.createForm(TestPhone()), auth: Self.tokenAuth(token))
            #expect(again.status == .unauthorized && again.error?.code == 20003)
            let otherIdentity = try await Self.accessToken(api, service, identity: "someone-else-1234")
            let wrong = try await api.post(
                Self.path(service, "Factors"), Self.createForm(TestPhone()), auth: Self.tokenAuth(otherIdentity))
            #expect(wrong.status == .unauthorized)
            let late = try await Self.accessToken(api, service)
            api.clock.advance(by: .seconds(61))
            let expired = try await api.post(
                Self.path(service, "Factors"), Self.createForm(TestPhone()), auth: Self.tokenAuth(late))
            #expect(expired.status == .unauthorized)
            #expect(
                try await api.post(
                    Self.path(service, "Factors"), Self.createForm(TestPhone()), auth: Self.tokenAuth("x")
                )
                .status == .unauthorized)
            // the account may create a push factor too
            let byAccount = try await api.post(Self.path(service, "Factors"), Self.createForm(TestPhone()))
            #expect(byAccount.status == .created)
        }
    }

    @Test("bad push forms are 400 naming the parameter")
    func badForms() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let phone = TestPhone()
            func without(_ name: String) -> [(String, String)] { Self.createForm(phone).filter { $0.0 != name } }
            func with(_ name: String, _ value: String) -> [(String, String)] {
                without(name) + [(name, value)]
            }
            let cases: [([(String, String)], String)] = [
                (without("Binding.PublicKey"), "Binding.PublicKey"),
                (with("Binding.PublicKey", "not base64!"), "Binding.PublicKey"),
                (with("Binding.PublicKey", Data("short".utf8).base64EncodedString()), "Binding.PublicKey"),
                (with("Binding.Alg", "RS256"), "Binding.Alg"),
                (without("Config.AppId"), "Config.AppId"),
                (with("Config.NotificationPlatform", "sms"), "Config.NotificationPlatform"),
                (with("Config.NotificationToken", "short"), "Config.NotificationToken"),
                (without("Config.NotificationToken"), "Config.NotificationToken"),
            ]
            for (form, parameter) in cases {
                let refused = try await api.post(Self.path(service, "Factors"), form)
                #expect(refused.status == .badRequest, "\(parameter)")
                #expect(refused.error?.message.contains(parameter) == true, "\(parameter): \(refused.error as Any)")
            }
            let passkeys = try await api.post(
                Self.path(service, "Factors"), [("FriendlyName", "k"), ("FactorType", "passkeys")])
            #expect(passkeys.error?.code == 60369)
        }
    }

    @Test("device JWTs: the device's own factor only; a bad or expired token is 401 with the emulator's Date")
    func deviceAuthentication() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let phone = TestPhone()
            let created = try await api.post(
                Self.path(service, "Factors"), Self.createForm(phone),
                auth: Self.tokenAuth(try await Self.accessToken(api, service)))
            let factor = try created.decode(FactorResource.self)
            let credential = try #require(factor.config.push?.credentialSid)
            let factorPath = Self.path(service, "Factors/\(factor.sid)")
            func auth(_ signer: TestPhone = phone, at date: Date? = nil, kid: String? = nil) throws -> String {
                try signer.authorization(
                    credentialSid: kid ?? credential, accountSid: Self.account, now: date ?? api.clock.now())
            }
            // a wrong signature of the factor SID is 403/60311 and leaves it unverified
            let wrong = try await api.post(
                factorPath, [("AuthPayload", try phone.signature(of: "YF" + String(repeating: "0", count: 32)))],
                auth: try auth())
            #expect(wrong.status == .forbidden && wrong.error?.code == 60311)
            #expect(try await api.get(factorPath, auth: try auth()).json["status"] as? String == "unverified")
            // the device may read its service, not list services
            #expect(try await api.get("/v2/Services/\(service)", auth: try auth()).status == .ok)
            #expect(try await api.get("/v2/Services", auth: try auth()).status == .unauthorized)
            // another key, another kid, another factor: refused
            #expect(try await api.get(factorPath, auth: try auth(TestPhone())).status == .unauthorized)
            #expect(
                try await api.get(factorPath, auth: try auth(kid: "CR" + String(repeating: "1", count: 32))).status
                    == .unauthorized)
            let other = try await api.post(Self.path(service, "Factors"), Self.createForm(TestPhone()))
            let otherSid = try #require(other.json["sid"] as? String)
            #expect(
                try await api.get(Self.path(service, "Factors/\(otherSid)"), auth: try auth()).status == .unauthorized)
            // the emulator clock moves 20 minutes: the phone's token is expired there, the 401
            // carries the emulator's time in Date, and a token made for that time is accepted
            api.clock.advance(by: .seconds(1200))
            let stale = try await api.get(factorPath, auth: try auth(at: Date()))
            #expect(stale.status == .unauthorized && stale.error?.code == 20003)
            let dateText = try #require(stale.headers[.date])
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let serverDate = try #require(formatter.date(from: dateText))
            #expect(abs(serverDate.timeIntervalSince(api.clock.now())) < 3)
            #expect(try await api.get(factorPath, auth: try auth(at: serverDate)).status == .ok)
            // then the device verifies its factor
            let verified = try await api.post(
                factorPath, [("AuthPayload", try phone.signature(of: factor.sid))], auth: try auth())
            #expect(verified.json["status"] as? String == "verified")
            // and may delete it
            #expect(try await api.request(.delete, factorPath, auth: try auth()).status == .noContent)
        }
    }

    @Test("push challenges: details, the signature fields, approve, deny, tampering 403/60324, expiry 60323")
    func challenges() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let phone = TestPhone()
            let (factor, credential) = try await Self.enrolledFactor(api, service, phone)
            func device() throws -> String {
                try phone.authorization(credentialSid: credential, accountSid: Self.account, now: api.clock.now())
            }
            let challengesPath = Self.path(service, "Challenges")
            let noMessage = try await api.post(challengesPath, [("FactorSid", factor)])
            #expect(noMessage.status == .badRequest && noMessage.error?.code == 60368)
            let form: [(String, String)] = [
                ("FactorSid", factor), ("Details.Message", "Log in to Acme?"),
                ("Details.Fields", #"{"label": "City", "value": "Lisbon"}"#),
                ("Details.Fields", #"{"label": "Browser", "value": "Firefox"}"#),
                ("HiddenDetails", #"{"ip": "203.0.113.9"}"#),
            ]
            let created = try await api.post(challengesPath, form)
            #expect(created.status == .created)
            #expect(Set(created.json.keys) == (try specProperties("verify.v2.service.entity.challenge")))
            let challenge = try created.decode(ChallengeResource.self)
            #expect(challenge.status == .pending && challenge.factorType == .push)
            #expect(challenge.details?.fields.map(\.label) == ["City", "Browser"])
            #expect(challenge.hiddenDetails == ["ip": "203.0.113.9"])
            let challengePath = "\(challengesPath)/\(challenge.sid)"

            // the phone fetches it, and signs what the header names
            let fetched = try await api.get(challengePath, auth: try device())
            let fields = try #require(fetched.headers[Self.signatureFields])
            #expect(fields.split(separator: ",").allSatisfy { fetched.json[String($0)] != nil })
            // tampered: another key, another status word, a changed field, not a JWT
            let otherKey = try TestPhone().answer(body: fetched.body, signatureFields: fields, status: "approved")
            let badStatus = try phone.answer(body: fetched.body, signatureFields: fields, status: "maybe")
            var changedBody = try #require(try JSONSerialization.jsonObject(with: fetched.body) as? [String: Any])
            changedBody["hidden_details"] = ["ip": "198.51.100.1"]
            let changed = try phone.answer(
                body: try JSONSerialization.data(withJSONObject: changedBody), signatureFields: fields,
                status: "approved")
            for payload in [otherKey, badStatus, changed, "not-a-jwt"] {
                let refused = try await api.post(challengePath, [("AuthPayload", payload)], auth: try device())
                #expect(refused.status == .forbidden && refused.error?.code == 60324)
            }
            // a pending push challenge can be notified again
            let notified = try await api.post("\(challengePath)/Notifications", [("Ttl", "120")])
            #expect(notified.status == .created)
            #expect(
                Set(notified.json.keys) == (try specProperties("verify.v2.service.entity.challenge.notification")))
            #expect(notified.json["priority"] as? String == "high" && notified.json["ttl"] as? Int == 120)
            #expect(try await api.post("\(challengePath)/Notifications", [("Ttl", "301")]).status == .badRequest)

            let approve = try phone.answer(body: fetched.body, signatureFields: fields, status: "approved")
            let approved = try await api.post(challengePath, [("AuthPayload", approve)], auth: try device())
            #expect(approved.status == .ok && approved.json["status"] as? String == "approved")
            #expect(approved.json["date_responded"] as? String != nil)
            let twice = try await api.post(challengePath, [("AuthPayload", approve)], auth: try device())
            #expect(twice.status == .forbidden && twice.error?.code == 60322)
            #expect(try await api.post("\(challengePath)/Notifications", []).error?.code == 60322)

            // another one, denied
            let second = try await api.post(challengesPath, [("FactorSid", factor), ("Details.Message", "Pay €10?")])
            let secondPath = "\(challengesPath)/\(try #require(second.json["sid"] as? String))"
            let secondFetch = try await api.get(secondPath, auth: try device())
            let deny = try phone.answer(
                body: secondFetch.body, signatureFields: try #require(secondFetch.headers[Self.signatureFields]),
                status: "denied")
            #expect(
                try await api.post(secondPath, [("AuthPayload", deny)], auth: try device()).json["status"] as? String
                    == "denied")

            // a third expires on the emulator clock
            let third = try await api.post(challengesPath, [("FactorSid", factor), ("Details.Message", "Later")])
            let thirdPath = "\(challengesPath)/\(try #require(third.json["sid"] as? String))"
            let thirdFetch = try await api.get(thirdPath, auth: try device())
            api.clock.advance(by: .seconds(301))
            #expect(try await api.get(thirdPath, auth: try device()).json["status"] as? String == "expired")
            let late = try phone.answer(
                body: thirdFetch.body, signatureFields: try #require(thirdFetch.headers[Self.signatureFields]),
                status: "approved")
            let refused = try await api.post(thirdPath, [("AuthPayload", late)], auth: try device())
            #expect(refused.status == .forbidden && refused.error?.code == 60323)

            // with the Service's (deprecated) Push.IncludeDate, details carry the date
            #expect(challenge.details?.date == nil)
            _ = try await api.post("/v2/Services/\(service)", [("Push.IncludeDate", "true")])
            let dated = try await api.post(challengesPath, [("FactorSid", factor), ("Details.Message", "Dated")])
            let datedDetails = try dated.decode(ChallengeResource.self).details
            #expect(datedDetails?.date == dated.json["date_created"] as? String && datedDetails?.date != nil)

            // the device lists its challenges, with the SDK's filters
            let listed = try await api.get(
                "\(challengesPath)?FactorSid=\(factor)&Status=approved&Order=desc&PageSize=10", auth: try device())
            #expect(
                (listed.json["challenges"] as? [[String: Any]])?.compactMap { $0["sid"] as? String } == [challenge.sid])
        }
    }

    @Test("a virtual device: enrolled by the emulator, it approves and denies as a phone; webhooks follow")
    func virtualDevice() async throws {
        let received = ReceivedEvents()
        try await WebhookTests.receiver(received).test(.live) { client in
            let port = try #require(client.port)
            try await withEmulator { api in
                let service = try await api.createService()
                _ = try await api.post(
                    "/v2/Services/\(service)/Webhooks",
                    [
                        ("FriendlyName", "all"), ("EventTypes", "*"),
                        ("WebhookUrl", "http://127.0.0.1:\(port)/events/all"),
                    ])
                let enrolled = try await api.request(
                    .post, "/emulator/v1/devices", auth: nil,
                    rawBody: .init(string: #"{"service_sid": "\#(service)", "identity": "\#(Self.identity)"}"#),
                    contentType: "application/json")
                #expect(enrolled.status == .created)
                #expect(enrolled.json["status"] as? String == "verified")
                let factor = try #require(enrolled.json["factor_sid"] as? String)
                let fetched = try await api.get(Self.path(service, "Factors/\(factor)"))
                #expect(fetched.json["factor_type"] as? String == "push")

                let challengesPath = Self.path(service, "Challenges")
                var sids: [String] = []
                for message in ["Log in?", "Pay?"] {
                    let created = try await api.post(
                        challengesPath, [("FactorSid", factor), ("Details.Message", message)])
                    sids.append(try #require(created.json["sid"] as? String))
                }
                let pending = try await api.get("/emulator/v1/challenges?status=pending", auth: nil)
                let listed = try #require(pending.json["challenges"] as? [[String: Any]])
                #expect(listed.compactMap { $0["sid"] as? String } == sids.reversed())
                #expect(listed.allSatisfy { $0["virtual_device"] as? Bool == true })
                #expect((listed.last?["notification"] as? [String: String])?["type"] == "verify_push_challenge")

                let approved = try await api.request(.post, "/emulator/v1/challenges/\(sids[0])/approve", auth: nil)
                #expect(approved.status == .ok && approved.json["status"] as? String == "approved")
                let denied = try await api.request(.post, "/emulator/v1/challenges/\(sids[1])/deny", auth: nil)
                #expect(denied.json["status"] as? String == "denied")
                #expect(
                    try await api.get("\(challengesPath)/\(sids[1])").json["status"] as? String == "denied")
                let again = try await api.request(.post, "/emulator/v1/challenges/\(sids[1])/approve", auth: nil)
                #expect(again.status == .forbidden && again.error?.code == 60322)

                // a real phone's challenge cannot be answered by the emulator
                let (real, _) = try await Self.enrolledFactor(api, service, TestPhone())
                let realChallenge = try await api.post(
                    challengesPath, [("FactorSid", real), ("Details.Message", "Real?")])
                let realSid = try #require(realChallenge.json["sid"] as? String)
                let refused = try await api.request(.post, "/emulator/v1/challenges/\(realSid)/approve", auth: nil)
                #expect(refused.status == .conflict)
                let badBody = try await api.request(
                    .post, "/emulator/v1/devices", auth: nil, rawBody: .init(string: #"{"service": "x"}"#),
                    contentType: "application/json")
                #expect(badBody.status == .badRequest)

                try await WebhookTests.waitFor(received, count: 6)
                let types = await received.types
                for type in ["factor.created", "factor.verified", "challenge.approved", "challenge.denied"] {
                    #expect(types.contains(type), "\(type) in \(types)")
                }
                let denial = await received.events.first { $0.form["type"] == "challenge.denied" }
                #expect(denial?.form["challenge_sid"] == sids[1] && denial?.form["factor_type"] == "push")
            }
        }
    }
}
