import GRDB
import VerifyWire

/// Entities and their TOTP factors: create (an entity implicitly with its first factor), fetch,
/// list, verify with a code, delete. Every call is scoped to an account and a service; all time
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

    /// Where a call points: the account, the service, the entity's identity, and the path.
    struct Target: Sendable {
        var account: SID
        var service: SID
        var identity: String
        var path: String
    }

    // MARK: Entities

    func createEntity(_ target: Target) async throws -> EntityRecord {
        try FactorForms.checkIdentity(target.identity)
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            let serviceID = try RateLimitStore.serviceID(
                db, account: target.account, service: target.service, path: target.path)
            if try Self.findEntity(db, serviceID: serviceID, identity: target.identity) != nil {
                throw TwilioError.entityExists(target.identity)
            }
            return try Self.insertEntity(db, serviceID: serviceID, target: target, now: now)
        }
    }

    func entity(_ target: Target) async throws -> EntityRecord {
        try await writer.read { db in try Self.requireEntity(db, target) }
    }

    func entities(_ target: Target, page: PageRequest) async throws -> ([EntityRecord], Bool) {
        try await writer.read { db in
            let serviceID = try RateLimitStore.serviceID(
                db, account: target.account, service: target.service, path: target.path)
            let rows = try EntityRecord.filter(Column("service_id") == serviceID).order(Column("id"))
                .limit(page.pageSize + 1, offset: page.offset).fetchAll(db)
            return (Array(rows.prefix(page.pageSize)), rows.count > page.pageSize)
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

    /// A new TOTP factor, unverified, with its secret (returned once, in the binding).
    func createFactor(
        _ target: Target, _ request: CreateFactorRequest
    ) async throws -> (FactorRecord, FactorResource.Binding) {
        try FactorForms.checkIdentity(target.identity)
        let now = clock.now().epochMilliseconds
        let secret = request.secret ?? Base32.encode((0..<20).map { _ in UInt8.random(in: .min ... .max) })
        let sid = SID.random(.factor).rawValue
        let entitySid = SID.random(.entity).rawValue
        return try await batcher.write { db in
            guard let service = try ServiceStore.find(db, account: target.account, sid: target.service) else {
                throw TwilioError.notFound(
                    target.path, hint: "no service \(target.service) in account \(target.account)")
            }
            let entity =
                try Self.findEntity(db, serviceID: service.id!, identity: target.identity)
                ?? Self.insertEntity(db, serviceID: service.id!, target: target, now: now, sid: entitySid)
            let count = try FactorRecord.filter(Column("entity_id") == entity.id! && Column("factor_type") == "totp")
                .fetchCount(db)
            if count >= Self.maxTOTPFactors { throw TwilioError.tooManyFactors(.totp, limit: Self.maxTOTPFactors) }
            var record = FactorRecord(
                sid: sid, entityId: entity.id!, entitySid: entity.sid, serviceSid: service.sid,
                accountSid: service.accountSid, identity: entity.identity, friendlyName: request.friendlyName,
                factorType: .totp, status: .unverified, secret: secret, alg: request.alg,
                timeStep: request.timeStep ?? service.totp.timeStep ?? 30, skew: request.skew ?? service.totp.skew ?? 1,
                codeLength: request.codeLength ?? service.totp.codeLength ?? 6, lastCounter: nil, failedAttempts: 0,
                metadata: request.metadata, createdAt: now, updatedAt: now)
            try record.insert(db)
            let issuer = service.totp.issuer ?? service.friendlyName
            return (record, Self.binding(record, issuer: issuer))
        }
    }

    /// The `otpauth://` URI authenticator apps enrol from (Google's Key URI format).
    static func binding(_ factor: FactorRecord, issuer: String) -> FactorResource.Binding {
        let label = percentEncoded(issuer) + ":" + percentEncoded(factor.friendlyName)
        let uri =
            "otpauth://totp/\(label)?secret=\(factor.secret)&issuer=\(percentEncoded(issuer))"
            + "&algorithm=\(factor.alg.rawValue.uppercased())&digits=\(factor.codeLength)&period=\(factor.timeStep)"
        return FactorResource.Binding(secret: factor.secret, uri: uri)
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

    func factors(_ target: Target, page: PageRequest) async throws -> ([FactorRecord], Bool) {
        try await writer.read { db in
            let entity = try Self.requireEntity(db, target)
            let rows = try FactorRecord.filter(Column("entity_id") == entity.id!).order(Column("id"))
                .limit(page.pageSize + 1, offset: page.offset).fetchAll(db)
            return (Array(rows.prefix(page.pageSize)), rows.count > page.pageSize)
        }
    }

    /// Verifies an unverified factor with a code (a wrong one leaves it unverified: 200, as
    /// Twilio answers since 2021), and changes its name or settings.
    func updateFactor(
        _ target: Target, sid: SID, _ request: UpdateFactorRequest
    ) async throws -> (factor: FactorRecord, verifiedNow: Bool) {
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            var factor = try Self.requireFactor(db, target, sid: sid)
            let wasVerified = factor.status == .verified
            if let name = request.friendlyName { factor.friendlyName = name }
            if let value = request.timeStep { factor.timeStep = value }
            if let value = request.skew { factor.skew = value }
            if let value = request.codeLength { factor.codeLength = value }
            if let value = request.alg { factor.alg = value }
            if let code = request.authPayload, factor.status == .unverified {
                if factor.failedAttempts >= Self.maxAttempts { throw TwilioError.factorVerificationAttempts() }
                if let counter = Self.accept(code, for: factor, at: now) {
                    factor.status = .verified
                    factor.lastCounter = counter
                } else {
                    factor.failedAttempts += 1
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
            let counter = factor.totp.matchingCounter(
                code.trimmingCharacters(), atEpochSeconds: now / 1000, skew: factor.skew)
        else { return nil }
        if let last = factor.lastCounter, counter <= last { return nil }
        return counter
    }

    // MARK: Lookups

    static func findEntity(_ db: Database, serviceID: Int64, identity: String) throws -> EntityRecord? {
        try EntityRecord.filter(Column("service_id") == serviceID && Column("identity") == identity).fetchOne(db)
    }

    static func requireEntity(_ db: Database, _ target: Target) throws -> EntityRecord {
        let serviceID = try RateLimitStore.serviceID(
            db, account: target.account, service: target.service, path: target.path)
        guard let entity = try findEntity(db, serviceID: serviceID, identity: target.identity) else {
            throw TwilioError.notFound(target.path, hint: "no entity '\(target.identity)' on \(target.service)")
        }
        return entity
    }

    static func requireFactor(_ db: Database, _ target: Target, sid: SID) throws -> FactorRecord {
        let entity = try requireEntity(db, target)
        guard
            let factor = try FactorRecord.filter(Column("entity_id") == entity.id! && Column("sid") == sid.rawValue)
                .fetchOne(db)
        else { throw TwilioError.notFound(target.path, hint: "no factor \(sid) on entity '\(target.identity)'") }
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
