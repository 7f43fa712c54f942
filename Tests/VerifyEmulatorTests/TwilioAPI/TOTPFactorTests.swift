import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("TOTP: RFC 6238 and base32")
struct TOTPAlgorithmTests {
    @Test("RFC 6238's test vectors, for SHA-1, SHA-256 and SHA-512")
    func vectors() {
        // the RFC's seeds: "12345678901234567890" repeated to the hash's length
        let seed = Array("12345678901234567890".utf8)
        let cases: [(TOTPAlgorithm, [UInt8], [(Int64, String)])] = [
            (.sha1, seed, [(59, "94287082"), (1_111_111_109, "07081804"), (2_000_000_000, "69279037")]),
            (.sha256, seed + Array(seed.prefix(12)), [(59, "46119246"), (1_234_567_890, "91819424")]),
            (.sha512, seed + seed + seed + Array(seed.prefix(4)), [(59, "90693936"), (20_000_000_000, "47863826")]),
        ]
        for (algorithm, secret, vectors) in cases {
            let totp = TOTP(secret: secret, algorithm: algorithm, digits: 8, timeStep: 30)
            for (time, code) in vectors {
                #expect(totp.code(counter: totp.counter(atEpochSeconds: time)) == code, "\(algorithm) at \(time)")
            }
        }
    }

    @Test("base32 round-trips and reads lower case and padding")
    func base32() {
        let bytes: [UInt8] = Array(0...255).map { UInt8($0) }
        #expect(Base32.decode(Base32.encode(bytes)) == bytes)
        #expect(Base32.encode(Array("Hello!".utf8)) == "JBSWY3DPEE")
        #expect(Base32.decode("jbswy3dpee======") == Array("Hello!".utf8))
        #expect(Base32.decode("not base32!") == nil)
    }
}

@Suite("Verify TOTP: entities, factors, challenges")
struct TOTPFactorTests {
    static let identity = "ff483d1f-f4d0-4fd5-8e9f-3f1c6b9b0f1a"
    static let start = Date(timeIntervalSince1970: 1_900_000_000)

    /// An emulator whose clock stands still at ``start``, so a code is not cut by a step boundary.
    static func withFrozenEmulator(_ body: @Sendable (EmulatorClient) async throws -> Void) async throws {
        try await withEmulator(configure: { $0.clock.set(to: start, frozen: true) }, body)
    }

    static func code(_ factor: [String: Any], clock: EmulatorClock, offsetSteps: Int64 = 0) throws -> String {
        let binding = try #require(factor["binding"] as? [String: Any])
        let text = try #require(binding["secret"] as? String)
        let secret = try #require(Base32.decode(text))
        let totp = TOTP(secret: secret, algorithm: .sha1, digits: 6, timeStep: 30)
        let now = Int64(clock.now().timeIntervalSince1970)
        return totp.code(counter: totp.counter(atEpochSeconds: now) + offsetSteps)
    }

    func factorsPath(_ service: String, _ identity: String = Self.identity) -> String {
        "/v2/Services/\(service)/Entities/\(identity)/Factors"
    }

    @Test("entities: create, duplicate 409/60301, a bad identity 400/60367, fetch, list, delete")
    func entities() async throws {
        try await Self.withFrozenEmulator { api in
            let service = try await api.createService()
            let path = "/v2/Services/\(service)/Entities"
            let created = try await api.post(path, [("Identity", Self.identity)])
            #expect(created.status == .created)
            #expect(Set(created.json.keys) == (try specProperties("verify.v2.service.entity")))
            let entity = try created.decode(EntityResource.self)
            #expect(entity.sid.hasPrefix("YE") && entity.identity == Self.identity)
            #expect(entity.links["factors"]?.hasSuffix("/Entities/\(Self.identity)/Factors") == true)
            let duplicate = try await api.post(path, [("Identity", Self.identity)])
            #expect(duplicate.status == .conflict && duplicate.error?.code == 60301)
            for bad in ["short", "has space in it", "--double-dash", String(repeating: "a", count: 65)] {
                let refused = try await api.post(path, [("Identity", bad)])
                #expect(refused.status == .badRequest && refused.error?.code == 60367, "\(bad)")
            }
            #expect(try await api.get("\(path)/\(Self.identity)").decode(EntityResource.self) == entity)
            let list = try await api.get(path).decode(ListPage<EntityResource>.self)
            #expect(list.items == [entity] && list.meta.key == "entities")
            #expect(try await api.request(.delete, "\(path)/\(Self.identity)").status == .noContent)
            #expect(try await api.get("\(path)/\(Self.identity)").status == .notFound)
            // other accounts see nothing
            #expect(try await api.get(path, auth: TestAccounts.otherAuth).status == .notFound)
        }
    }

    @Test("a TOTP factor: the secret once, a wrong code leaves it unverified, the right one verifies it")
    func factorEnrolment() async throws {
        try await Self.withFrozenEmulator { api in
            let service = try await api.createService("Acme", [("Totp.Issuer", "Acme Inc")])
            let created = try await api.post(
                factorsPath(service), [("FactorType", "totp"), ("FriendlyName", "Ada’s phone")])
            #expect(created.status == .created)
            #expect(Set(created.json.keys) == (try specProperties("verify.v2.service.entity.new_factor")))
            let factor = try created.decode(FactorResource.self)
            #expect(factor.sid.hasPrefix("YF") && factor.status == .unverified && factor.factorType == .totp)
            #expect(factor.config == .totp(.init(alg: .sha1, skew: 1, codeLength: 6, timeStep: 30)))
            let secret = try #require(factor.binding?.secret)
            #expect(Base32.decode(secret)?.count == 20)
            #expect(
                factor.binding?.uri
                    == "otpauth://totp/Acme%20Inc:Ada%E2%80%99s%20phone?secret=\(secret)&issuer=Acme%20Inc&algorithm=SHA1&digits=6&period=30"
            )
            // the entity was made with the factor; fetch and list never show the secret
            let path = "\(factorsPath(service))/\(factor.sid)"
            let fetched = try await api.get(path)
            #expect(Set(fetched.json.keys) == (try specProperties("verify.v2.service.entity.factor")))
            #expect(fetched.json["binding"] == nil)
            #expect(try await api.get(factorsPath(service)).decode(ListPage<FactorResource>.self).items.count == 1)

            let code = try Self.code(created.json, clock: api.clock)
            let wrong = try await api.post(path, [("AuthPayload", code == "000000" ? "111111" : "000000")])
            #expect(wrong.status == .ok)
            #expect(try wrong.decode(FactorResource.self).status == .unverified)
            let right = try await api.post(path, [("AuthPayload", code)])
            #expect(try right.decode(FactorResource.self).status == .verified)
        }
    }

    @Test("five wrong codes on a factor: the sixth try is 429/60310")
    func factorAttempts() async throws {
        try await Self.withFrozenEmulator { api in
            let service = try await api.createService()
            let created = try await api.post(factorsPath(service), [("FactorType", "totp"), ("FriendlyName", "x")])
            let sid = try created.decode(FactorResource.self).sid
            let code = try Self.code(created.json, clock: api.clock)
            let wrongCode = code == "000000" ? "111111" : "000000"
            for _ in 0..<5 {
                #expect(
                    try await api.post("\(factorsPath(service))/\(sid)", [("AuthPayload", wrongCode)]).status == .ok)
            }
            let refused = try await api.post("\(factorsPath(service))/\(sid)", [("AuthPayload", code)])
            #expect(refused.status == .tooManyRequests && refused.error?.code == 60310)
        }
    }

    @Test("bad factor forms are 400 naming the parameter")
    func factorForms() async throws {
        try await Self.withFrozenEmulator { api in
            let service = try await api.createService()
            let cases: [([(String, String)], String)] = [
                ([("FriendlyName", "x")], "FactorType"),
                ([("FactorType", "sms"), ("FriendlyName", "x")], "FactorType"),
                ([("FactorType", "totp")], "FriendlyName"),
                ([("FactorType", "totp"), ("FriendlyName", "x"), ("Config.TimeStep", "10")], "Config.TimeStep"),
                ([("FactorType", "totp"), ("FriendlyName", "x"), ("Config.CodeLength", "9")], "Config.CodeLength"),
                ([("FactorType", "totp"), ("FriendlyName", "x"), ("Config.Alg", "md5")], "Config.Alg"),
                ([("FactorType", "totp"), ("FriendlyName", "x"), ("Binding.Secret", "not base32!")], "Binding.Secret"),
                ([("FactorType", "totp"), ("FriendlyName", "x"), ("Metadata", "[1]")], "Metadata"),
            ]
            for (form, parameter) in cases {
                let response = try await api.post(factorsPath(service), form)
                #expect(response.status == .badRequest, "\(form)")
                #expect(
                    response.error?.message.contains(parameter) == true, "\(form): \(response.error?.message ?? "")")
            }
        }
    }

    @Test("a known secret and other settings give the codes any RFC 6238 app computes")
    func knownSecret() async throws {
        try await Self.withFrozenEmulator { api in
            let service = try await api.createService()
            let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
            let created = try await api.post(
                factorsPath(service),
                [
                    ("FactorType", "totp"), ("FriendlyName", "x"), ("Binding.Secret", secret),
                    ("Config.Alg", "sha256"), ("Config.CodeLength", "8"), ("Config.TimeStep", "60"),
                    ("Metadata", #"{"os": "Android"}"#),
                ])
            let factor = try created.decode(FactorResource.self)
            #expect(factor.binding?.secret == secret && factor.metadata == ["os": "Android"])
            let totp = TOTP(secret: Base32.decode(secret)!, algorithm: .sha256, digits: 8, timeStep: 60)
            let code = totp.code(counter: totp.counter(atEpochSeconds: Int64(Self.start.timeIntervalSince1970)))
            let verified = try await api.post("\(factorsPath(service))/\(factor.sid)", [("AuthPayload", code)])
            #expect(try verified.decode(FactorResource.self).status == .verified)
        }
    }

    /// A service with a verified TOTP factor; its SID and the factor's create JSON.
    static func verifiedFactor(
        _ api: EmulatorClient, service existing: String? = nil
    ) async throws -> (service: String, factor: String, json: [String: Any]) {
        var service = existing ?? ""
        if existing == nil { service = try await api.createService() }
        let path = "/v2/Services/\(service)/Entities/\(identity)/Factors"
        let created = try await api.post(path, [("FactorType", "totp"), ("FriendlyName", "x")])
        let sid = try created.decode(FactorResource.self).sid
        // a code of the step before: the challenge tests use the current one
        let code = try code(created.json, clock: api.clock, offsetSteps: -1)
        #expect(
            try await api.post("\(path)/\(sid)", [("AuthPayload", code)]).decode(FactorResource.self).status
                == .verified)
        return (service, sid, created.json)
    }

    @Test(
        "challenges: 403/60318 before verification; a right AuthPayload approves at once, a wrong one leaves it pending"
    )
    func challenges() async throws {
        try await Self.withFrozenEmulator { api in
            let service = try await api.createService()
            let factors = factorsPath(service)
            let unverified = try await api.post(factors, [("FactorType", "totp"), ("FriendlyName", "x")])
            let unverifiedSid = try unverified.decode(FactorResource.self).sid
            let challenges = "/v2/Services/\(service)/Entities/\(Self.identity)/Challenges"
            let early = try await api.post(challenges, [("FactorSid", unverifiedSid), ("AuthPayload", "123456")])
            #expect(early.status == .forbidden && early.error?.code == 60318)

            let (otherService, factor, json) = try await Self.verifiedFactor(api)
            let path = "/v2/Services/\(otherService)/Entities/\(Self.identity)/Challenges"
            let code = try Self.code(json, clock: api.clock)
            let wrongCode = code == "000000" ? "111111" : "000000"
            let pending = try await api.post(
                path,
                [
                    ("FactorSid", factor), ("AuthPayload", wrongCode), ("Details.Message", "Log in?"),
                    ("Details.Fields", #"{"label": "IP", "value": "10.0.0.1"}"#),
                    ("HiddenDetails", #"{"ip": "10.0.0.1"}"#),
                ])
            #expect(pending.status == .created)
            #expect(Set(pending.json.keys) == (try specProperties("verify.v2.service.entity.challenge")))
            let challenge = try pending.decode(ChallengeResource.self)
            #expect(challenge.sid.hasPrefix("YC") && challenge.status == .pending && challenge.respondedReason == .none)
            #expect(challenge.details == .init(message: "Log in?", fields: [.init(label: "IP", value: "10.0.0.1")]))
            #expect(challenge.hiddenDetails == ["ip": "10.0.0.1"] && challenge.dateResponded == nil)
            #expect(challenge.expirationDate == TwilioDate.format(Self.start.addingTimeInterval(300)))

            let approved = try await api.post("\(path)/\(challenge.sid)", [("AuthPayload", code)])
            #expect(approved.status == .ok)
            let answered = try approved.decode(ChallengeResource.self)
            #expect(answered.status == .approved && answered.dateResponded != nil)
            let again = try await api.post("\(path)/\(challenge.sid)", [("AuthPayload", code)])
            #expect(again.status == .forbidden && again.error?.code == 60322)

            // the same code cannot approve a second challenge: a code is good once
            let replay = try await api.post(path, [("FactorSid", factor), ("AuthPayload", code)])
            #expect(try replay.decode(ChallengeResource.self).status == .pending)
            // the next step's code (within the skew) approves at create
            let next = try Self.code(json, clock: api.clock, offsetSteps: 1)
            let direct = try await api.post(path, [("FactorSid", factor), ("AuthPayload", next)])
            #expect(direct.status == .created)
            #expect(try direct.decode(ChallengeResource.self).status == .approved)
        }
    }

    @Test("challenges: 5 wrong codes then 429/60308; expiry on the emulator clock is 403/60323; list filters")
    func challengeLimitsAndExpiry() async throws {
        try await Self.withFrozenEmulator { api in
            let (service, factor, json) = try await Self.verifiedFactor(api)
            let path = "/v2/Services/\(service)/Entities/\(Self.identity)/Challenges"
            let code = try Self.code(json, clock: api.clock)
            let wrongCode = code == "000000" ? "111111" : "000000"
            let sid = try await api.post(path, [("FactorSid", factor)]).decode(ChallengeResource.self).sid
            for _ in 0..<5 {
                #expect(try await api.post("\(path)/\(sid)", [("AuthPayload", wrongCode)]).status == .ok)
            }
            let locked = try await api.post("\(path)/\(sid)", [("AuthPayload", code)])
            #expect(locked.status == .tooManyRequests && locked.error?.code == 60308)

            let expiring = try await api.post(
                path, [("FactorSid", factor), ("ExpirationDate", TwilioDate.format(Self.start.addingTimeInterval(60)))])
            let expiringSid = try expiring.decode(ChallengeResource.self).sid
            let tooLate = try await api.post(
                path,
                [("FactorSid", factor), ("ExpirationDate", TwilioDate.format(Self.start.addingTimeInterval(3601)))])
            #expect(tooLate.status == .badRequest)
            api.clock.advance(by: .seconds(61))
            #expect(try await api.get("\(path)/\(expiringSid)").decode(ChallengeResource.self).status == .expired)
            let expired = try await api.post("\(path)/\(expiringSid)", [("AuthPayload", code)])
            #expect(expired.status == .forbidden && expired.error?.code == 60323)

            let all = try await api.get(path).decode(ListPage<ChallengeResource>.self)
            #expect(all.items.map(\.sid) == [sid, expiringSid] && all.meta.key == "challenges")
            let newestFirst = try await api.get("\(path)?Order=desc").decode(ListPage<ChallengeResource>.self)
            #expect(newestFirst.items.map(\.sid) == [expiringSid, sid])
            let onlyExpired = try await api.get("\(path)?Status=expired").decode(ListPage<ChallengeResource>.self)
            #expect(onlyExpired.items.map(\.sid) == [expiringSid])
            #expect(try await api.get("\(path)?Status=maybe").status == .badRequest)
        }
    }

    @Test("deleting the entity deletes its factors and challenges")
    func cascade() async throws {
        try await Self.withFrozenEmulator { api in
            let (service, factor, _) = try await Self.verifiedFactor(api)
            let entity = "/v2/Services/\(service)/Entities/\(Self.identity)"
            let challenge = try await api.post("\(entity)/Challenges", [("FactorSid", factor)])
                .decode(ChallengeResource.self).sid
            #expect(try await api.request(.delete, "\(entity)/Factors/\(factor)").status == .noContent)
            #expect(try await api.get("\(entity)/Challenges/\(challenge)").status == .notFound)
            #expect(try await api.request(.delete, entity).status == .noContent)
            #expect(try await api.get("\(entity)/Factors").status == .notFound)
        }
    }

    @Test("the control API shows each factor's current code, so a test or a demo needs no authenticator app")
    func controlAPIShowsCodes() async throws {
        try await Self.withFrozenEmulator { api in
            let service = try await api.createService()
            let created = try await api.post(factorsPath(service), [("FactorType", "totp"), ("FriendlyName", "x")])
            let factor = try created.decode(FactorResource.self)
            let listed = try await api.get("/emulator/v1/factors?identity=\(Self.identity)", auth: nil)
            let summaries = try listed.decode([String: [FactorSummary]].self)["factors"] ?? []
            #expect(summaries.count == 1)
            let summary = try #require(summaries.first)
            #expect(summary.sid == factor.sid && summary.status == .unverified && summary.timeStep == 30)
            #expect(summary.code == (try Self.code(created.json, clock: api.clock)))
            // 1,900,000,000 is 10 s into its 30 s step
            #expect(summary.secondsLeft == 20)
            let verified = try await api.post("\(factorsPath(service))/\(factor.sid)", [("AuthPayload", summary.code)])
            #expect(try verified.decode(FactorResource.self).status == .verified)
            let challenge = try await api.post(
                "/v2/Services/\(service)/Entities/\(Self.identity)/Challenges", [("FactorSid", factor.sid)]
            ).decode(ChallengeResource.self)
            let after = try await api.get("/emulator/v1/factors?service_sid=\(service)", auth: nil)
                .decode([String: [FactorSummary]].self)["factors"]?.first
            #expect(after?.status == .verified && after?.pendingChallenges == [challenge.sid])
            #expect(try await api.get("/emulator/v1/factors?limit=0", auth: nil).status == .badRequest)
        }
    }
}
