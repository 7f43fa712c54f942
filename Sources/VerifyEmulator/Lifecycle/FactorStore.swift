import GRDB
import VerifyWire

/// Entities and their TOTP and push factors: create (an entity implicitly with its first
/// factor), fetch, list, verify (with a code, or a push device's signature), delete. Every call is scoped to an account and a service; all time
/// comes from the emulator clock.
///
/// A code is accepted once: after a code of one time step has verified a factor or approved a
/// challenge, codes of that step and earlier ones are refused for that factor (RFC 6238 §5.2
/// recommends it; whether Twilio does is not documented).
struct FactorStore: Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock

    /// Wrong codes before a factor's verification, or a challenge, is refused with 429.
    static let maxAttempts = 5
    static let maxTOTPFactors = 100
    static let maxPushFactors = 20

    /// Where a call points: the account, the service, the entity's identity, and the path.
    struct Target: Sendable {
        var account: SID
        var service: SID
        var identity: String
    }

    // MARK: Entities

    func createEntity(_ target: Target) async throws -> EntityRecord {
        try FactorForms.checkIdentity(target.identity)
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            let serviceID = try ServiceStore.requireID(
                db, account: target.account, service: target.service)
            if try Self.findEntity(db, serviceID: serviceID, identity: target.identity) != nil {
                throw TwilioError.entityExists(target.identity)
            }
            return try Self.insertEntity(db, serviceID: serviceID, target: target, now: now)
        }
    }

    func entity(_ target: Target) async throws -> EntityRecord {
        try await writer.read { db in try Self.requireEntity(db, target) }
    }

    func entities(_ target: Target, page: PageRequest) async throws -> Page<EntityRecord> {
        try await writer.read { db in
            let serviceID = try ServiceStore.requireID(
                db, account: target.account, service: target.service)
            return try EntityRecord.filter(Column("service_id") == serviceID).fetchPage(db, page)
        }
    }

    /// Deletes the entity with its factors and challenges.
    func deleteEntity(_ target: Target) async throws {
        try await batcher.write { db in
            let entity = try Self.requireEntity(db, target)
            _ = try entity.delete(db)
        }
    }

    // MARK: Factors

    /// Who creates a factor: the account (a backend), or a phone with an access token from
    /// `POST …/AccessTokens` sent as Basic `token:<access token>`.
    enum Creator: Sendable {
        case account(SID)
        case accessToken(String)
    }

    /// A new factor, unverified, with its binding (returned once): a TOTP secret, or the push
    /// device's public key. An access token admits one push factor for its service and identity,
    /// once, within its time to live.
    func createFactor(
        service: SID, identity: String, creator: Creator, _ request: CreateFactorRequest
    ) async throws -> (FactorRecord, FactorResource.Binding) {
        try FactorForms.checkIdentity(identity)
        let now = clock.now().epochMilliseconds
        let sid = SID.random(.factor).rawValue
        let entitySid = SID.random(.entity).rawValue
        let credentialSid = SID.random(.credential).rawValue
        let secret = Base32.encode((0..<20).map { _ in UInt8.random(in: .min ... .max) })
        return try await batcher.write { db in
            let account: SID
            switch creator {
            case .account(let sid): account = sid
            case .accessToken(let token):
                account = try Self.redeem(
                    db, token: token, service: service, identity: identity, factor: sid, type: request.factorType,
                    now: now)
            }
            guard let serviceRecord = try ServiceStore.find(db, account: account, sid: service) else {
                throw NotFound("no service \(service) in account \(account)")
            }
            let target = Target(account: account, service: service, identity: identity)
            let entity =
                try Self.findEntity(db, serviceID: serviceRecord.id!, identity: identity)
                ?? Self.insertEntity(db, serviceID: serviceRecord.id!, target: target, now: now, sid: entitySid)
            let type = request.factorType
            let limit = type == .push ? Self.maxPushFactors : Self.maxTOTPFactors
            let count = try FactorRecord.filter(
                Column("entity_id") == entity.id! && Column("factor_type") == type.rawValue
            )
            .fetchCount(db)
            if count >= limit { throw TwilioError.tooManyFactors(type, limit: limit) }
            var record = FactorRecord(
                sid: sid, entity: entity, friendlyName: request.friendlyName, factorType: type,
                metadata: request.metadata, now: now)
            let binding: FactorResource.Binding
            switch request.kind {
            case .totp(let settings):
                record.secret = settings.secret ?? secret
                record.alg = settings.alg
                record.timeStep = settings.timeStep ?? serviceRecord.totp.timeStep ?? 30
                record.skew = settings.skew ?? serviceRecord.totp.skew ?? 1
                record.codeLength = settings.codeLength ?? serviceRecord.totp.codeLength ?? 6
                binding = Self.binding(record, issuer: serviceRecord.totp.issuer ?? serviceRecord.friendlyName)
            case .push(let device):
                record.publicKey = device.key.binding
                record.credentialSid = credentialSid
                record.sdkVersion = device.sdkVersion
                record.appId = device.appId
                record.notificationPlatform = device.notificationPlatform
                record.notificationToken = device.notificationToken
                binding = .push(alg: "ES256", publicKey: device.key.binding)
            }
            try record.insert(db)
            return (record, binding)
        }
    }

    /// Spends an access token on the factor `factor`: it must be this service's, for this
    /// identity and type, unexpired and unused; its account is the factor's.
    static func redeem(
        _ db: Database, token: String, service: SID, identity: String, factor: String, type: FactorType, now: Int64
    ) throws -> SID {
        guard var record = try AccessTokenRecord.filter(Column("token") == token).fetchOne(db) else {
            throw TwilioError.deviceAuthenticationFailed(hint: "the access token is not one this emulator issued")
        }
        guard record.serviceSid == service.rawValue else {
            throw TwilioError.deviceAuthenticationFailed(hint: "the access token is for service \(record.serviceSid)")
        }
        guard record.identity == identity else {
            throw TwilioError.deviceAuthenticationFailed(
                hint: "the access token is for identity '\(record.identity)', not '\(identity)'")
        }
        guard type == record.factorType else {
            throw TwilioError.deviceAuthenticationFailed(
                hint: "an access token creates a \(record.factorType.rawValue) factor, not \(type.rawValue)")
        }
        guard record.isValid(at: now) else {
            throw TwilioError.deviceAuthenticationFailed(hint: "the access token expired (its ttl is \(record.ttl) s)")
        }
        if let used = record.factorSid {
            throw TwilioError.deviceAuthenticationFailed(hint: "the access token already created factor \(used)")
        }
        record.factorSid = factor
        try record.update(db)
        return SID(unchecked: record.accountSid)
    }

    /// The `otpauth://` URI authenticator apps enrol from (Google's Key URI format).
    static func binding(_ factor: FactorRecord, issuer: String) -> FactorResource.Binding {
        let secret = factor.secret ?? ""
        let label = percentEncoded(issuer) + ":" + percentEncoded(factor.friendlyName)
        let uri =
            "otpauth://totp/\(label)?secret=\(secret)&issuer=\(percentEncoded(issuer))"
            + "&algorithm=\((factor.alg ?? .sha1).rawValue.uppercased())&digits=\(factor.codeLength ?? 6)"
            + "&period=\(factor.timeStep ?? 30)"
        return .totp(secret: secret, uri: uri)
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters (a space is `%20`).
    static func percentEncoded(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            if FactorForms.isAlphanumeric(byte) || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return output
    }

    func factor(_ target: Target, sid: SID) async throws -> FactorRecord {
        try await writer.read { db in try Self.requireFactor(db, target, sid: sid) }
    }

    func factors(_ target: Target, page: PageRequest) async throws -> Page<FactorRecord> {
        try await writer.read { db in
            let entity = try Self.requireEntity(db, target)
            return try FactorRecord.filter(Column("entity_id") == entity.id!).fetchPage(db, page)
        }
    }

    /// Verifies an unverified factor, and changes its name or settings. A TOTP factor is
    /// verified by a code (a wrong one leaves it unverified: 200, as Twilio answers since 2021);
    /// a push factor by its device key's signature of the factor SID (a wrong one: 403/60311).
    func updateFactor(
        _ target: Target, sid: SID, _ request: UpdateFactorRequest
    ) async throws -> (factor: FactorRecord, verifiedNow: Bool) {
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            var factor = try Self.requireFactor(db, target, sid: sid)
            if let setting = request.foreignSetting(for: factor.factorType) {
                throw TwilioError.invalidFactorRequest(
                    setting, hint: "\(setting) is not a setting of \(factor.factorType.rawValue) factors")
            }
            let wasVerified = factor.status == .verified
            if let name = request.friendlyName { factor.friendlyName = name }
            if let value = request.timeStep { factor.timeStep = value }
            if let value = request.skew { factor.skew = value }
            if let value = request.codeLength { factor.codeLength = value }
            if let value = request.alg { factor.alg = value }
            if let value = request.sdkVersion { factor.sdkVersion = value }
            if let value = request.notificationPlatform { factor.notificationPlatform = value }
            if let value = request.notificationToken { factor.notificationToken = value }
            if let proof = request.authPayload, factor.status == .unverified {
                switch factor.factorType {
                case .totp:
                    if factor.failedAttempts >= Self.maxAttempts { throw TwilioError.factorVerificationAttempts() }
                    if let counter = Self.accept(proof, for: factor, at: now) {
                        factor.status = .verified
                        factor.lastCounter = counter
                    } else {
                        factor.failedAttempts += 1
                    }
                case .push:
                    guard let key = factor.publicKey.flatMap({ try? DeviceKey(binding: $0) }),
                        key.verifiesDERSignature(proof, of: factor.sid)
                    else {
                        throw TwilioError.factorVerificationFailed(
                            hint: "AuthPayload is not the device key's ECDSA signature (DER, base64) of \(factor.sid)")
                    }
                    factor.status = .verified
                case .passkeys:
                    throw TwilioError.invalidFactorRequest(
                        "AuthPayload",
                        hint: "passkeys factors are verified with POST /v2/Services/{VA}/Passkeys/VerifyFactor")
                }
            }
            factor.updatedAt = now
            try factor.update(db)
            return (factor, !wasVerified && factor.status == .verified)
        }
    }

    /// Deletes the factor and its challenges; returns what was deleted.
    @discardableResult
    func deleteFactor(_ target: Target, sid: SID) async throws -> FactorRecord {
        try await batcher.write { db in
            let factor = try Self.requireFactor(db, target, sid: sid)
            _ = try factor.delete(db)
            return factor
        }
    }

    /// The time-step counter `code` belongs to, when it is a code of `factor` now (within its
    /// skew) and newer than the last code it accepted; nil otherwise.
    static func accept(_ code: String, for factor: FactorRecord, at now: Int64) -> Int64? {
        guard
            let counter = factor.totp?.matchingCounter(
                code.trimmingCharacters(), atEpochSeconds: now / 1000, skew: factor.skew ?? 1)
        else { return nil }
        if let last = factor.lastCounter, counter <= last { return nil }
        return counter
    }

    // MARK: Lookups

    static func findEntity(_ db: Database, serviceID: Int64, identity: String) throws -> EntityRecord? {
        try EntityRecord.filter(Column("service_id") == serviceID && Column("identity") == identity).fetchOne(db)
    }

    static func requireEntity(_ db: Database, _ target: Target) throws -> EntityRecord {
        let serviceID = try ServiceStore.requireID(
            db, account: target.account, service: target.service)
        guard let entity = try findEntity(db, serviceID: serviceID, identity: target.identity) else {
            throw NotFound("no entity '\(target.identity)' on \(target.service)")
        }
        return entity
    }

    static func requireFactor(_ db: Database, _ target: Target, sid: SID) throws -> FactorRecord {
        let entity = try requireEntity(db, target)
        guard
            let factor = try FactorRecord.filter(Column("entity_id") == entity.id! && Column("sid") == sid.rawValue)
                .fetchOne(db)
        else { throw NotFound("no factor \(sid) on entity '\(target.identity)'") }
        return factor
    }

    static func insertEntity(
        _ db: Database, serviceID: Int64, target: Target, now: Int64, sid: String = SID.random(.entity).rawValue
    ) throws -> EntityRecord {
        var entity = EntityRecord(
            sid: sid, serviceId: serviceID, serviceSid: target.service.rawValue, accountSid: target.account.rawValue,
            identity: target.identity, createdAt: now, updatedAt: now)
        try entity.insert(db)
        return entity
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }

    fileprivate func trimmingCharacters() -> String {
        String(unicodeScalars.filter { $0 != " " })
    }
}
