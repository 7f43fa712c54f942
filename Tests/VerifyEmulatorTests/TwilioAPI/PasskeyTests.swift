import Foundation
import Testing
import VerifyEmulatorTesting
import VerifyWire

@testable import VerifyEmulator

/// Verify Passkeys with ``SoftwareAuthenticator`` over real HTTP: registration and usernameless
/// sign-in verified as WebAuthn says, and each broken part refused with its 603xx code.
@Suite("Verify Passkeys: registration and sign-in ceremonies")
struct PasskeyTests {
    static let identity = "5d1e0c9a-pass-4e2b-8c7d-0123456789ab"
    static let origin = "https://login.example.com"

    /// The property names of the inline response schema of `POST path` in Twilio's description.
    static func responseProperties(_ path: String, status: String) throws -> Set<String> {
        let specURL = repositoryRoot().appendingPathComponent("Tests/Fixtures/twilio-oai/twilio_verify_v2.json")
        let spec = try JSONSerialization.jsonObject(with: Data(contentsOf: specURL)) as! [String: Any]
        let operation = ((spec["paths"] as! [String: Any])[path] as! [String: Any])["post"] as! [String: Any]
        let response = (operation["responses"] as! [String: Any])[status] as! [String: Any]
        let schema = ((response["content"] as! [String: Any])["application/json"] as! [String: Any])["schema"]
        return Set(((schema as! [String: Any])["properties"] as! [String: Any]).keys)
    }

    /// A service whose relying party is login.example.com.
    static func passkeysService(_ api: EmulatorClient, userVerification: String = "preferred") async throws -> String {
        let created = try await api.post(
            "/v2/Services",
            [
                ("FriendlyName", "Passkeys"), ("Passkeys.RelyingParty.Id", "example.com"),
                ("Passkeys.RelyingParty.Name", "Example"), ("Passkeys.RelyingParty.Origins", origin),
                ("Passkeys.AuthenticatorAttachment", "platform"), ("Passkeys.DiscoverableCredentials", "preferred"),
                ("Passkeys.UserVerification", userVerification),
            ])
        return try #require(created.json["sid"] as? String)
    }

    /// A registered passkey: the factor SID, after the authenticator's registration verified.
    static func registered(
        _ api: EmulatorClient, _ service: String, _ authenticator: SoftwareAuthenticator
    ) async throws
        -> String
    {
        let created = try await api.postJSON(
            "/v2/Services/\(service)/Passkeys/Factors", ["friendly_name": "Ada's laptop", "identity": identity])
        let options = try #require(created.json["options"] as? [String: Any])
        let verified = try await api.postJSON(
            "/v2/Services/\(service)/Passkeys/VerifyFactor", authenticator.register(options: options, origin: origin))
        #expect(verified.status == .ok, "\(verified.error as Any)")
        return try #require(created.json["sid"] as? String)
    }

    @Test("register, then sign in without a username; options in WebAuthn's shapes; the counter moves on")
    func ceremonies() async throws {
        try await withEmulator { api in
            let service = try await Self.passkeysService(api)
            let created = try await api.postJSON(
                "/v2/Services/\(service)/Passkeys/Factors",
                ["friendly_name": "Ada's laptop", "identity": Self.identity])
            #expect(created.status == .created)
            #expect(
                Set(created.json.keys)
                    == (try Self.responseProperties("/v2/Services/{ServiceSid}/Passkeys/Factors", status: "201")))
            let factor = try created.decode(FactorResource.self)
            #expect(factor.factorType == .passkeys && factor.status == .unverified && factor.binding == nil)
            #expect(
                factor.config.passkeys?.relyingParty
                    == .init(id: "example.com", name: "Example", origins: [Self.origin]))
            let options = try #require(factor.options?.publicKey)
            #expect(options.pubKeyCredParams == [.init(alg: -7)] && options.attestation == "none")
            #expect(SoftwareAuthenticator.decodeB64url(options.challenge) == Array(factor.sid.utf8))
            #expect(SoftwareAuthenticator.decodeB64url(options.user.id) == Array(factor.entitySid.utf8))
            #expect(options.authenticatorSelection.authenticatorAttachment == "platform")
            #expect(options.rp == .init(id: "example.com", name: "Example"))

            let authenticator = SoftwareAuthenticator()
            let registration = authenticator.register(
                options: created.json["options"] as! [String: Any], origin: Self.origin)
            let verified = try await api.postJSON("/v2/Services/\(service)/Passkeys/VerifyFactor", registration)
            #expect(verified.status == .ok)
            #expect(
                Set(verified.json.keys)
                    == (try Self.responseProperties("/v2/Services/{ServiceSid}/Passkeys/VerifyFactor", status: "200")))
            #expect(verified.json["status"] as? String == "verified")
            // the same registration again: the factor is verified already
            let again = try await api.postJSON("/v2/Services/\(service)/Passkeys/VerifyFactor", registration)
            #expect(again.status == .badRequest && again.error?.code == 60383)

            // a usernameless challenge: no identity, no factor
            let challenge = try await api.postJSON("/v2/Services/\(service)/Passkeys/Challenges", [String: Any]())
            #expect(challenge.status == .created)
            #expect(
                Set(challenge.json.keys)
                    == (try Self.responseProperties("/v2/Services/{ServiceSid}/Passkeys/Challenges", status: "201")))
            let pending = try challenge.decode(PasskeyChallengeResource.self)
            #expect(pending.identity == "" && pending.entitySid == "" && pending.factorSid == "")
            #expect(pending.status == .pending && pending.options.publicKey.rpId == "example.com")
            #expect(pending.options.publicKey.allowCredentials.isEmpty)
            let assertion = try authenticator.assert(
                options: challenge.json["options"] as! [String: Any], origin: Self.origin,
                userHandle: SoftwareAuthenticator.b64url(factor.entitySid.utf8))
            let approved = try await api.postJSON("/v2/Services/\(service)/Passkeys/ApproveChallenge", assertion)
            #expect(approved.status == .ok, "\(approved.error as Any)")
            let answer = try approved.decode(PasskeyChallengeResource.self)
            #expect(answer.status == .approved && answer.identity == Self.identity && answer.factorSid == factor.sid)
            let twice = try await api.postJSON("/v2/Services/\(service)/Passkeys/ApproveChallenge", assertion)
            #expect(twice.status == .forbidden && twice.error?.code == 60322)

            // a challenge for the identity names its passkey; a replayed counter is refused
            let named = try await api.postJSON(
                "/v2/Services/\(service)/Passkeys/Challenges", ["identity": Self.identity])
            let namedOptions = try named.decode(PasskeyChallengeResource.self).options.publicKey
            #expect(namedOptions.allowCredentials.map(\.id) == [authenticator.id])
            let replayed = try authenticator.assert(
                options: named.json["options"] as! [String: Any], origin: Self.origin, userHandle: nil, countUp: false)
            let refused = try await api.postJSON("/v2/Services/\(service)/Passkeys/ApproveChallenge", replayed)
            #expect(refused.error?.code == 60379)
            let next = try authenticator.assert(
                options: named.json["options"] as! [String: Any], origin: Self.origin, userHandle: nil)
            #expect(
                try await api.postJSON("/v2/Services/\(service)/Passkeys/ApproveChallenge", next).json["status"]
                    as? String == "approved")
            // the factor shows under the entity, with its passkeys config
            let listed = try await api.get("/v2/Services/\(service)/Entities/\(Self.identity)/Factors")
            #expect(try listed.decode(ListPage<FactorResource>.self).items.map(\.factorType) == [.passkeys])
        }
    }

    @Test("each broken part of a registration is refused with its code")
    func badRegistrations() async throws {
        try await withEmulator { api in
            let service = try await Self.passkeysService(api, userVerification: "required")
            func options() async throws -> [String: Any] {
                let created = try await api.postJSON(
                    "/v2/Services/\(service)/Passkeys/Factors", ["friendly_name": "k", "identity": Self.identity])
                return try #require(created.json["options"] as? [String: Any])
            }
            let authenticator = SoftwareAuthenticator()
            let cases: [([String: Any], Int)] = [
                (authenticator.register(options: try await options(), origin: "https://evil.example.net"), 60371),
                (authenticator.register(options: try await options(), origin: Self.origin, rpId: "evil.com"), 60372),
                (authenticator.register(options: try await options(), origin: Self.origin, flags: 0x04), 60379),
                (authenticator.register(options: try await options(), origin: Self.origin, flags: 0x01), 60379),
                (authenticator.register(options: try await options(), origin: Self.origin, format: "packed"), 60386),
                (
                    authenticator.register(options: try await options(), origin: Self.origin, type: "webauthn.get"),
                    60380
                ),
            ]
            for (registration, code) in cases {
                let refused = try await api.postJSON("/v2/Services/\(service)/Passkeys/VerifyFactor", registration)
                #expect(
                    refused.status == .badRequest && refused.error?.code == code, "\(code): \(refused.error as Any)")
            }
            var wrongId = authenticator.register(options: try await options(), origin: Self.origin)
            wrongId["id"] = SoftwareAuthenticator.b64url([1, 2, 3])
            #expect(
                try await api.postJSON("/v2/Services/\(service)/Passkeys/VerifyFactor", wrongId).error?.code == 60376)
            #expect(
                try await api.postJSON("/v2/Services/\(service)/Passkeys/VerifyFactor", ["id": "x"]).error?.code
                    == 60306)
            // a form body is 60434; a service without a relying party is 60393
            let form = try await api.post(
                "/v2/Services/\(service)/Passkeys/Factors", [("friendly_name", "k"), ("identity", Self.identity)])
            #expect(form.status == .badRequest && form.error?.code == 60434)
            let bare = try await api.createService()
            let missing = try await api.postJSON(
                "/v2/Services/\(bare)/Passkeys/Factors", ["friendly_name": "k", "identity": Self.identity])
            #expect(missing.error?.code == 60393)
            #expect(
                try await api.postJSON("/v2/Services/\(bare)/Passkeys/Challenges", [String: Any]()).error?.code == 60393
            )
            // the request's own relying party works without Service settings
            let own = try await api.postJSON(
                "/v2/Services/\(bare)/Passkeys/Factors",
                [
                    "friendly_name": "k", "identity": Self.identity,
                    "config": [
                        "relying_party": ["id": "localhost", "name": "Dev", "origins": ["http://localhost:8080"]]
                    ],
                ])
            #expect(own.status == .created)
        }
    }

    @Test("each broken part of an assertion is refused with its code; an expired challenge is 60323")
    func badAssertions() async throws {
        try await withEmulator { api in
            let service = try await Self.passkeysService(api)
            let authenticator = SoftwareAuthenticator()
            _ = try await Self.registered(api, service, authenticator)
            func challenge() async throws -> [String: Any] {
                let created = try await api.postJSON("/v2/Services/\(service)/Passkeys/Challenges", [String: Any]())
                return try #require(created.json["options"] as? [String: Any])
            }
            let path = "/v2/Services/\(service)/Passkeys/ApproveChallenge"
            let tampered = try authenticator.assert(
                options: try await challenge(), origin: Self.origin, userHandle: nil, tamper: true)
            #expect(try await api.postJSON(path, tampered).error?.code == 60381)
            let foreign = try authenticator.assert(
                options: try await challenge(), origin: "https://evil.example.net", userHandle: nil)
            #expect(try await api.postJSON(path, foreign).error?.code == 60371)
            let absent = try authenticator.assert(
                options: try await challenge(), origin: Self.origin, userHandle: nil, flags: 0x04)
            #expect(try await api.postJSON(path, absent).error?.code == 60379)
            let stranger = try SoftwareAuthenticator().assert(
                options: try await challenge(), origin: Self.origin, userHandle: nil)
            #expect(try await api.postJSON(path, stranger).error?.code == 60376)
            let wrongHandle = try authenticator.assert(
                options: try await challenge(), origin: Self.origin,
                userHandle: SoftwareAuthenticator.b64url("YE0".utf8))
            #expect(try await api.postJSON(path, wrongHandle).error?.code == 60376)
            let late = try await challenge()
            api.clock.advance(by: .seconds(601))
            let expired = try await api.postJSON(
                path, try authenticator.assert(options: late, origin: Self.origin, userHandle: nil))
            #expect(expired.status == .forbidden && expired.error?.code == 60323)
            // an identity with no entity is 404/60392
            let unknown = try await api.postJSON(
                "/v2/Services/\(service)/Passkeys/Challenges", ["identity": "nobody-at-all-0000"])
            #expect(unknown.status == .notFound && unknown.error?.code == 60392)
        }
    }
}
