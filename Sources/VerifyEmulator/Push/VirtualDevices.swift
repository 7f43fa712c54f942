import Crypto
import GRDB
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Phones the emulator plays itself, for demos and tests without the Verify Push SDK. A
/// virtual device is made as a real one is: the backend's access token, a new P-256 key, the
/// factor create with `token:<access token>`, the factor verified by the signature of its SID
/// under a device JWT; and it answers a challenge as the SDK does, signing the fields the
/// challenge's fetch names. Each step goes through the same stores and checks as the HTTP
/// calls of a real phone, so webhooks and statuses follow as they would.
struct VirtualDevices: Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock
    let tokens: AccessTokenStore
    let factors: FactorStore
    let challenges: ChallengeStore
    let devices: DeviceAuthenticator
    let webhooks: WebhookDispatcher

    /// What the control API shows of a virtual device.
    struct Summary: Codable, Sendable, Equatable {
        var factorSid: String
        var credentialSid: String
        var serviceSid: String
        var accountSid: String
        var identity: String
        var friendlyName: String
        var status: FactorStatus

        enum CodingKeys: String, CodingKey {
            case identity, status
            case factorSid = "factor_sid"
            case credentialSid = "credential_sid"
            case serviceSid = "service_sid"
            case accountSid = "account_sid"
            case friendlyName = "friendly_name"
        }

        init(_ factor: FactorRecord) {
            factorSid = factor.sid
            credentialSid = factor.credentialSid ?? ""
            serviceSid = factor.serviceSid
            accountSid = factor.accountSid
            identity = factor.identity
            friendlyName = factor.friendlyName
            status = factor.status
        }
    }

    /// Enrols a new virtual device for `identity` on `service`: a verified push factor whose
    /// key the emulator keeps.
    func enrol(service: SID, identity: String, friendlyName: String) async throws -> FactorRecord {
        try FactorForms.checkIdentity(identity)
        let account = try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT account_sid FROM service WHERE sid = ?", arguments: [service.rawValue])
        }
        guard let account else { throw NotFound("no service \(service)") }
        let accountSid = SID(unchecked: account)
        // the backend: an access token for the identity
        let token = try await tokens.mint(
            account: accountSid, service: service, identity: identity, friendlyName: friendlyName)
        // the phone: a key pair, and the factor create the SDK sends
        let signer = DeviceSigner()
        let createForm = FormData([
            ("FriendlyName", friendlyName), ("FactorType", "push"), ("Binding.Alg", "ES256"),
            ("Binding.PublicKey", signer.publicKeyBinding), ("Config.SdkVersion", "emulator-virtual-device"),
            ("Config.AppId", "dev.verify-emulator.virtual-device"), ("Config.NotificationPlatform", "none"),
        ])
        let (created, _) = try await factors.createFactor(
            service: service, identity: identity, creator: .accessToken(token.token),
            try CreateFactorRequest(form: createForm))
        webhooks.emit(created.event(.factorCreated))
        let key = signer.key.rawRepresentation
        try await batcher.write { db in
            try db.execute(
                sql: "INSERT INTO virtual_device (factor_id, private_key) VALUES (?, ?)", arguments: [created.id, key])
        }
        // the phone verifies its factor, authenticated by its JWT
        let factor = try await authenticate(created, signer: signer)
        let target = FactorStore.Target(account: accountSid, service: service, identity: identity)
        let verifyForm = FormData([("AuthPayload", try signer.derSignature(of: factor.sid))])
        let (verified, verifiedNow) = try await factors.updateFactor(
            target, sid: SID(unchecked: factor.sid), try UpdateFactorRequest(form: verifyForm))
        if verifiedNow { webhooks.emit(verified.event(.factorVerified)) }
        return verified
    }

    /// A fixture's virtual device: a verified push factor with a new key the emulator keeps,
    /// written directly (fixtures load before the server, with no access token to spend).
    static func insertFixture(_ db: Database, sid: SID, entity: EntityRecord, name: String, now: Int64) throws {
        let signer = DeviceSigner()
        var factor = FactorRecord(
            sid: sid.rawValue, entity: entity, friendlyName: name, factorType: .push, metadata: nil, now: now)
        factor.status = .verified
        factor.publicKey = signer.publicKeyBinding
        factor.credentialSid = SID.random(.credential).rawValue
        factor.sdkVersion = "emulator-virtual-device"
        factor.appId = "dev.verify-emulator.virtual-device"
        factor.notificationPlatform = NotificationPlatform.none
        try factor.insert(db)
        try db.execute(
            sql: "INSERT INTO virtual_device (factor_id, private_key) VALUES (?, ?)",
            arguments: [factor.id, signer.key.rawRepresentation])
    }

    /// The virtual devices, newest first.
    func list(limit: Int = 100) async throws -> [FactorRecord] {
        try await writer.read { db in
            try FactorRecord.fetchAll(
                db,
                sql: "SELECT factor.* FROM factor JOIN virtual_device ON virtual_device.factor_id = factor.id"
                    + " ORDER BY factor.id DESC LIMIT ?", arguments: [limit])
        }
    }

    /// Answers a pending push challenge of a virtual device as its phone would: approved or
    /// denied, signed over the fields the challenge's fetch names. 409 when the challenge's
    /// factor is a real phone's (only that phone holds its key).
    func answer(challenge sid: SID, with answer: ChallengeStatus) async throws -> ChallengeRecord {
        let found = try await writer.read { db -> (ChallengeRecord, FactorRecord, Data?)? in
            guard let challenge = try ChallengeRecord.filter(Column("sid") == sid.rawValue).fetchOne(db),
                let factor = try FactorRecord.fetchOne(db, key: challenge.factorId)
            else { return nil }
            let key = try Data.fetchOne(
                db, sql: "SELECT private_key FROM virtual_device WHERE factor_id = ?", arguments: [factor.id])
            return (challenge, factor, key)
        }
        guard let (challenge, factor, privateKey) = found else {
            throw NotFound("no challenge \(sid)")
        }
        guard let privateKey, let signer = try? DeviceSigner(rawRepresentation: privateKey) else {
            throw TwilioError(
                code: 20409, status: 409, message: "Not a virtual device",
                hint:
                    "challenge \(sid) is for factor \(factor.sid), a real device's: only its phone can sign the answer")
        }
        // on the factor's account's clock, as the phone's own calls are
        return try await EmulatorClock.$account.withValue(SID(unchecked: factor.accountSid)) {
            try await self.answer(challenge, of: factor, signer: signer, with: answer)
        }
    }

    private func answer(
        _ challenge: ChallengeRecord, of factor: FactorRecord, signer: DeviceSigner, with status: ChallengeStatus
    ) async throws -> ChallengeRecord {
        let sid = SID(unchecked: challenge.sid)
        let device = try await authenticate(factor, signer: signer)
        // the fetch the SDK makes first: the body and the fields to sign
        let now = clock.now().epochMilliseconds
        let body = try ChallengeSignature.body(challenge.resource(baseURL: "", now: now))
        let authPayload = try signer.jwt(
            header: ["typ": .string("JWT"), "alg": .string("ES256")],
            claims: ChallengeSignature.claims(body, answer: status))
        let target = FactorStore.Target(
            account: SID(unchecked: factor.accountSid), service: SID(unchecked: factor.serviceSid),
            identity: factor.identity)
        let answered = try await challenges.update(
            target, sid: sid, authPayload: authPayload, metadata: nil, device: device)
        if let event = answered.answeredEvent { webhooks.emit(event) }
        return answered
    }

    /// The factor, as the device's JWT proves it (the path every device call takes).
    private func authenticate(_ factor: FactorRecord, signer: DeviceSigner) async throws -> FactorRecord {
        let jwt = try signer.authenticationToken(
            credentialSid: factor.credentialSid ?? "", accountSid: factor.accountSid,
            now: clock.now().epochMilliseconds / 1000)
        return try await devices.factor(presenting: DeviceToken(jwt), service: SID(unchecked: factor.serviceSid))
    }
}
