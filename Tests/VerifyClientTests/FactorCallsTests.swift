import Foundation
import Testing
import VerifyClient
import VerifyEmulator
import VerifyEmulatorTesting
import VerifyWire

/// The Entities, Factors, Challenges, AccessTokens, Webhooks and Passkeys calls against the
/// emulator over loopback, with codes computed from the `otpauth://` URI as an app would.
@Suite("VerifyClient: factors, challenges, tokens, webhooks, passkeys")
struct FactorCallsTests {
    /// The error code a failing call surfaced, or nil when it did not fail.
    func twilioCode(_ body: () async throws -> Void) async -> Int? {
        do {
            try await body()
            return nil
        } catch let error as VerifyClientError {
            return error.code ?? -1
        } catch {
            return -2
        }
    }

    @Test("TOTP: create, verify with a wrong then a right code, challenges approved and pending, delete")
    func totp() async throws {
        try await withClient { client, emulator in
            let service = try await client.createService(.init(friendlyName: "Factors", totpIssuer: "Acme")).sid
            let identity = "US" + String(repeating: "a", count: 32)
            let factor = try await client.createTOTPFactor(
                serviceSid: service, identity: identity, friendlyName: "alice")
            #expect(factor.status == .unverified && factor.factorType == .totp && factor.sid.hasPrefix("YF"))
            let uri = try #require(factor.binding?.uri)
            let app = try TOTPAuthenticator(uri: uri)
            #expect(app.issuer == "Acme" && app.accountName == "alice" && app.totp.digits == 6)
            #expect(try await client.fetchEntity(serviceSid: service, identity: identity).identity == identity)

            let code = app.code(at: emulator.clock.now())
            let wrong = code == "000000" ? "111111" : "000000"
            let stillNew = try await client.verifyFactor(
                serviceSid: service, identity: identity, sid: factor.sid, code: wrong)
            #expect(stillNew.status == .unverified && stillNew.binding == nil)
            let verified = try await client.verifyFactor(
                serviceSid: service, identity: identity, sid: factor.sid, code: code)
            #expect(verified.status == .verified)

            // the emulator, like a careful server, takes each step's code once: the next step's code
            emulator.clock.advance(by: .seconds(30))
            let next = app.code(at: emulator.clock.now())
            let pending = try await client.createChallenge(
                serviceSid: service, identity: identity, factorSid: factor.sid,
                authPayload: next == "000000" ? "111111" : "000000")
            #expect(pending.status == .pending)
            let answered = try await client.updateChallenge(
                serviceSid: service, identity: identity, sid: pending.sid, authPayload: next)
            #expect(answered.status == .approved)
            emulator.clock.advance(by: .seconds(30))
            let direct = try await client.createChallenge(
                serviceSid: service, identity: identity, factorSid: factor.sid,
                authPayload: app.code(at: emulator.clock.now()))
            #expect(direct.status == .approved)
            #expect(try await client.fetchChallenge(serviceSid: service, identity: identity, sid: direct.sid) == direct)
            #expect(try await client.listChallenges(serviceSid: service, identity: identity).count == 2)
            #expect(
                try await client.listChallenges(serviceSid: service, identity: identity, status: .pending).isEmpty)

            let renamed = try await client.updateFactor(
                serviceSid: service, identity: identity, sid: factor.sid, friendlyName: "alice's phone")
            #expect(renamed.friendlyName == "alice's phone")
            #expect(try await client.listFactors(serviceSid: service, identity: identity).map(\.sid) == [factor.sid])
            try await client.deleteFactor(serviceSid: service, identity: identity, sid: factor.sid)
            #expect(try await client.listFactors(serviceSid: service, identity: identity).isEmpty)
            #expect(try await client.listEntities(serviceSid: service).map(\.identity) == [identity])
            try await client.deleteEntity(serviceSid: service, identity: identity)
            let missing = await twilioCode { _ = try await client.fetchEntity(serviceSid: service, identity: identity) }
            #expect(missing == 20404)
        }
    }

    @Test("refusals arrive typed: a bad identity, an unverified factor's challenge, a bad ExpirationDate")
    func refusals() async throws {
        try await withClient { client, emulator in
            let service = try await client.createService(.init(friendlyName: "Refusals")).sid
            let badIdentity = await twilioCode {
                _ = try await client.createTOTPFactor(serviceSid: service, identity: "a b/../c", friendlyName: "x")
            }
            #expect(badIdentity == 60367)
            let identity = "user-00000001"
            let factor = try await client.createTOTPFactor(serviceSid: service, identity: identity, friendlyName: "x")
            let unverified = await twilioCode {
                _ = try await client.createChallenge(
                    serviceSid: service, identity: identity, factorSid: factor.sid, authPayload: "123456")
            }
            #expect(unverified == 60318)
            let late = await twilioCode {
                _ = try await client.createChallenge(
                    serviceSid: service, identity: identity, factorSid: factor.sid,
                    expirationDate: emulator.clock.now().addingTimeInterval(-60))
            }
            #expect(late == 60200)
        }
    }

    @Test("access tokens for a phone app's push enrolment; push challenges wait with their details")
    func accessTokensAndPush() async throws {
        try await withClient { client, _ in
            let service = try await client.createService(.init(friendlyName: "Push")).sid
            let token = try await client.createAccessToken(
                serviceSid: service, identity: "user-00000002", factorFriendlyName: "Alice's phone", ttl: 120)
            #expect(token.sid.hasPrefix("YK") && token.ttl == 120 && token.factorType == .push && !token.token.isEmpty)
            #expect(try await client.fetchAccessToken(serviceSid: service, sid: token.sid).sid == token.sid)
            let badTTL = await twilioCode {
                _ = try await client.createAccessToken(serviceSid: service, identity: "user-00000002", ttl: 5)
            }
            #expect(badTTL == 60200)
        }
    }

    @Test("webhooks: create for some events or all, fetch, update, list, delete")
    func webhooks() async throws {
        try await withClient { client, _ in
            let service = try await client.createService(.init(friendlyName: "Hooks")).sid
            let some = try await client.createWebhook(
                serviceSid: service, friendlyName: "logins", url: "http://127.0.0.1:9/events",
                events: [.challengeApproved, .challengeDenied])
            #expect(some.eventTypes == ["challenge.approved", "challenge.denied"] && some.status == .enabled)
            let all = try await client.createWebhook(
                serviceSid: service, friendlyName: "all", url: "http://127.0.0.1:9/all")
            #expect(all.eventTypes == ["*"])
            let changed = try await client.updateWebhook(
                serviceSid: service, sid: some.sid, .init(events: [.factorVerified], status: .disabled))
            #expect(changed.eventTypes == ["factor.verified"] && changed.status == .disabled)
            #expect(try await client.fetchWebhook(serviceSid: service, sid: some.sid) == changed)
            #expect(Set(try await client.listWebhooks(serviceSid: service).map(\.sid)) == [some.sid, all.sid])
            try await client.deleteWebhook(serviceSid: service, sid: all.sid)
            #expect(try await client.listWebhooks(serviceSid: service).map(\.sid) == [some.sid])
        }
    }

    @Test("passkeys: the relying party set on the service, creation and request options, a bad credential refused")
    func passkeys() async throws {
        try await withClient { client, _ in
            let party = PasskeysConfig.RelyingParty(
                id: "localhost", name: "Auth Server", origins: ["http://localhost:8080"])
            let created = try await client.createService(.init(friendlyName: "Passkeys"))
            let service = try await client.updateService(sid: created.sid, .init(passkeysRelyingParty: party))
            #expect(service.passkeys.relyingParty.id == "localhost")
            #expect(service.passkeys.relyingParty.origins == ["http://localhost:8080"])
            let factor = try await client.createPasskeyFactor(
                serviceSid: service.sid, identity: "user-00000003", friendlyName: "alice")
            let options = try #require(factor.options?.publicKey)
            #expect(factor.factorType == .passkeys && factor.status == .unverified)
            #expect(options.rp.id == "localhost" && !options.challenge.isEmpty)
            let refused = await twilioCode {
                _ = try await client.verifyPasskeyFactor(serviceSid: service.sid, credential: Data(#"{"id":"x"}"#.utf8))
            }
            #expect(refused != nil && refused! > 0)
            let challenge = try await client.createPasskeyChallenge(serviceSid: service.sid)
            #expect(challenge.status == .pending && challenge.options.publicKey.rpId == "localhost")
            #expect(challenge.identity.isEmpty)
        }
    }
}
