import GRDB
import VerifyWire

/// Services of each account, in SQLite. Every call is scoped to one account: an account can
/// never read or change another's services.
struct ServiceStore: Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock

    func create(account: SID, parameters: ServiceParameters) async throws -> ServiceRecord {
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            var record = ServiceRecord(
                sid: .random(.service), accountSid: account, friendlyName: parameters.friendlyName ?? "", now: now)
            parameters.apply(to: &record)
            try record.insert(db)
            return record
        }
    }

    func fetch(account: SID, sid: SID) async throws -> ServiceRecord {
        let record = try await writer.read { db in
            try Self.find(db, account: account, sid: sid)
        }
        guard let record else { throw NotFound("no service \(sid) in account \(account)") }
        return record
    }

    func list(account: SID, page: PageRequest) async throws -> Page<ServiceRecord> {
        try await writer.read { db in
            try ServiceRecord.filter(Column("account_sid") == account.rawValue).fetchPage(db, page)
        }
    }

    func update(account: SID, sid: SID, parameters: ServiceParameters) async throws -> ServiceRecord {
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            guard var record = try Self.find(db, account: account, sid: sid) else {
                throw NotFound("no service \(sid) in account \(account)")
            }
            parameters.apply(to: &record)
            record.updatedAt = now
            try record.update(db)
            return record
        }
    }

    /// Deletes a service and its verifications; messages already "sent" stay in the outbox.
    func delete(account: SID, sid: SID) async throws {
        let deleted = try await batcher.write { db in
            try ServiceRecord
                .filter(Column("account_sid") == account.rawValue && Column("sid") == sid.rawValue)
                .deleteAll(db)
        }
        if deleted == 0 { throw NotFound("no service \(sid) in account \(account)") }
    }

    /// Creates the fixture's service unless a service with its SID already exists.
    func ensure(_ fixture: ServiceFixture) async throws {
        let now = clock.now().epochMilliseconds
        try await batcher.write { db in try Self.insertIfMissing(db, fixture, now: now) }
    }

    /// The fixture's service (with its rate limits) unless it exists, then its entities and
    /// factors that do not exist yet.
    static func insertIfMissing(_ db: Database, _ fixture: ServiceFixture, now: Int64) throws {
        try insertServiceIfMissing(db, fixture, now: now)
        try insertEntities(db, fixture, now: now)
    }

    private static func insertServiceIfMissing(_ db: Database, _ fixture: ServiceFixture, now: Int64) throws {
        if try ServiceRecord.filter(Column("sid") == fixture.sid.rawValue).fetchCount(db) > 0 { return }
        var record = ServiceRecord(
            sid: fixture.sid, accountSid: fixture.accountSid, friendlyName: fixture.friendlyName, now: now)
        record.codeLength = fixture.codeLength
        record.customCodeEnabled = fixture.customCodeEnabled
        try record.insert(db)
        for limit in fixture.rateLimits {
            var rateLimit = RateLimitRecord(
                sid: SID.random(.rateLimit).rawValue, serviceId: record.id!, serviceSid: record.sid,
                accountSid: record.accountSid, uniqueName: limit.uniqueName, description: limit.description,
                createdAt: now, updatedAt: now)
            try rateLimit.insert(db)
            for bucket in limit.buckets {
                var bucketRecord = BucketRecord(
                    sid: SID.random(.bucket).rawValue, rateLimitId: rateLimit.id!, rateLimitSid: rateLimit.sid,
                    serviceSid: record.sid, accountSid: record.accountSid, max: bucket.max, interval: bucket.interval,
                    createdAt: now, updatedAt: now)
                try bucketRecord.insert(db)
            }
        }
    }

    /// The fixture's entities and factors that do not exist yet (by identity and factor SID).
    static func insertEntities(_ db: Database, _ fixture: ServiceFixture, now: Int64) throws {
        guard !fixture.entities.isEmpty, let service = try find(db, account: fixture.accountSid, sid: fixture.sid)
        else { return }
        for entityFixture in fixture.entities {
            let target = FactorStore.Target(
                account: fixture.accountSid, service: fixture.sid, identity: entityFixture.identity)
            let entity =
                try FactorStore.findEntity(db, serviceID: service.id!, identity: entityFixture.identity)
                ?? FactorStore.insertEntity(db, serviceID: service.id!, target: target, now: now)
            for factor in entityFixture.factors
            where try FactorRecord.filter(Column("sid") == factor.sid.rawValue).fetchCount(db) == 0 {
                var record = FactorRecord(
                    sid: factor.sid.rawValue, entity: entity, friendlyName: factor.friendlyName, factorType: .totp,
                    metadata: nil, now: now)
                record.status = factor.status
                record.secret = Base32.encode(Base32.decode(factor.secret) ?? [])
                record.alg = factor.alg
                record.timeStep = factor.timeStep
                record.skew = factor.skew
                record.codeLength = factor.codeLength
                try record.insert(db)
            }
            for device in entityFixture.devices
            where try FactorRecord.filter(Column("sid") == device.sid.rawValue).fetchCount(db) == 0 {
                try VirtualDevices.insertFixture(
                    db, sid: device.sid, entity: entity, name: device.friendlyName, now: now)
            }
        }
    }

    /// The row id of the account's service, or 404 naming it.
    static func requireID(_ db: Database, account: SID, service: SID) throws -> Int64 {
        guard
            let id = try Int64.fetchOne(
                db, sql: "SELECT id FROM service WHERE sid = ? AND account_sid = ?",
                arguments: [service.rawValue, account.rawValue])
        else { throw NotFound("no service \(service) in account \(account)") }
        return id
    }

    static func find(_ db: Database, account: SID, sid: SID) throws -> ServiceRecord? {
        try ServiceRecord
            .filter(Column("sid") == sid.rawValue && Column("account_sid") == account.rawValue)
            .fetchOne(db)
    }
}
