import GRDB
import VerifyWire

/// Programmable Rate Limits: a service's named limits, their buckets, and their enforcement
/// when a verification is started with `RateLimits`. Every call is scoped to an account and a
/// service.
struct RateLimitStore: Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock

    /// `UniqueName`: letters, digits, `.`, `_` and `-`, up to 255 characters.
    static func validateUniqueName(_ name: String) throws(TwilioError) {
        guard (1...255).contains(name.count),
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") })
        else {
            throw .invalidParameter(
                "UniqueName", hint: "UniqueName must be 1 to 255 letters, digits, '.', '_' or '-'")
        }
    }

    func createRateLimit(
        account: SID, service: SID, uniqueName: String, description: String?
    )
        async throws -> RateLimitRecord
    {
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            let serviceID = try ServiceStore.requireID(db, account: account, service: service)
            if try RateLimitRecord.filter(Column("service_id") == serviceID && Column("unique_name") == uniqueName)
                .fetchCount(db) > 0
            {
                throw TwilioError.invalidParameter(
                    "UniqueName", hint: "a rate limit named '\(uniqueName)' already exists on \(service)")
            }
            var record = RateLimitRecord(
                sid: SID.random(.rateLimit).rawValue, serviceId: serviceID, serviceSid: service.rawValue,
                accountSid: account.rawValue, uniqueName: uniqueName, description: description, createdAt: now,
                updatedAt: now)
            try record.insert(db)
            return record
        }
    }

    func rateLimit(account: SID, service: SID, key: String) async throws -> RateLimitRecord {
        try await writer.read { db in
            try Self.findRateLimit(db, account: account, service: service, key: key)
        }
    }

    func rateLimits(
        account: SID, service: SID, page: PageRequest
    ) async throws -> Page<RateLimitRecord> {
        try await writer.read { db in
            let serviceID = try ServiceStore.requireID(db, account: account, service: service)
            return try RateLimitRecord.filter(Column("service_id") == serviceID).fetchPage(db, page)
        }
    }

    func updateRateLimit(
        account: SID, service: SID, key: String, description: String?
    )
        async throws -> RateLimitRecord
    {
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            var record = try Self.findRateLimit(db, account: account, service: service, key: key)
            if let description { record.description = description }
            record.updatedAt = now
            try record.update(db)
            return record
        }
    }

    func deleteRateLimit(account: SID, service: SID, key: String) async throws {
        try await batcher.write { db in
            let record = try Self.findRateLimit(db, account: account, service: service, key: key)
            _ = try record.delete(db)
        }
    }

    func createBucket(
        account: SID, service: SID, rateLimit: String, max: Int, interval: Int
    )
        async throws -> BucketRecord
    {
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            let limit = try Self.findRateLimit(db, account: account, service: service, key: rateLimit)
            var record = BucketRecord(
                sid: SID.random(.bucket).rawValue, rateLimitId: limit.id!, rateLimitSid: limit.sid,
                serviceSid: service.rawValue, accountSid: account.rawValue, max: max, interval: interval,
                createdAt: now, updatedAt: now)
            try record.insert(db)
            return record
        }
    }

    func bucket(
        account: SID, service: SID, rateLimit: String, bucket: SID
    ) async throws
        -> BucketRecord
    {
        try await writer.read { db in
            try Self.findBucket(
                db, account: account, service: service, rateLimit: rateLimit, bucket: bucket)
        }
    }

    func buckets(
        account: SID, service: SID, rateLimit: String, page: PageRequest
    ) async throws -> Page<BucketRecord> {
        try await writer.read { db in
            let limit = try Self.findRateLimit(db, account: account, service: service, key: rateLimit)
            return try BucketRecord.filter(Column("rate_limit_id") == limit.id!).fetchPage(db, page)
        }
    }

    func updateBucket(
        account: SID, service: SID, rateLimit: String, bucket: SID, max: Int?, interval: Int?
    ) async throws -> BucketRecord {
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            var record = try Self.findBucket(
                db, account: account, service: service, rateLimit: rateLimit, bucket: bucket)
            if let max { record.max = max }
            if let interval { record.interval = interval }
            record.updatedAt = now
            try record.update(db)
            return record
        }
    }

    func deleteBucket(account: SID, service: SID, rateLimit: String, bucket: SID) async throws {
        try await batcher.write { db in
            let record = try Self.findBucket(
                db, account: account, service: service, rateLimit: rateLimit, bucket: bucket)
            _ = try record.delete(db)
        }
    }

    // MARK: Enforcement

    /// Checks every bucket of every named rate limit for its value and, when all allow it,
    /// records the start. Runs inside the start's write transaction. Exceeding a bucket is
    /// 429/20429, the code in Twilio's own description of this endpoint's 429 answer.
    static func enforce(_ db: Database, serviceID: Int64, values: [String: String], now: Int64) throws {
        var limits: [(id: Int64, value: String)] = []
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            guard
                let id = try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT id FROM rate_limit WHERE service_id = ? AND unique_name = ?"),
                    arguments: [serviceID, name])
            else {
                throw TwilioError.invalidParameter("RateLimits", hint: "the service has no rate limit named '\(name)'")
            }
            let buckets = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT sid, max, interval FROM bucket WHERE rate_limit_id = ?"),
                arguments: [id])
            for bucket in buckets {
                let max: Int = bucket[1]
                let interval: Int64 = bucket[2]
                let hits =
                    try Int.fetchOne(
                        db.cachedStatement(
                            sql:
                                "SELECT COUNT(*) FROM rate_limit_hit WHERE rate_limit_id = ? AND value = ? AND created_at > ?"
                        ),
                        arguments: [id, value, now - interval * 1000]) ?? 0
                if hits >= max {
                    let sid: String = bucket[0]
                    var error = TwilioError(
                        code: 20429, status: 429, message: "Too many requests",
                        hint:
                            "rate limit '\(name)' bucket \(sid): \(hits) starts for '\(value)' in \(interval) s, max \(max)"
                    )
                    // the hit that frees a place: the (hits - max + 1)th oldest in the window
                    let freeing =
                        try Int64.fetchOne(
                            db,
                            sql: """
                                SELECT created_at FROM rate_limit_hit WHERE rate_limit_id = ? AND value = ? AND created_at > ?
                                ORDER BY created_at LIMIT 1 OFFSET ?
                                """, arguments: [id, value, now - interval * 1000, hits - max]) ?? now
                    error.retryAfter = Int((freeing + interval * 1000 - now + 999) / 1000)
                    error.reachedRateLimit = name
                    throw error
                }
            }
            limits.append((id, value))
        }
        for limit in limits {
            try db.cachedStatement(
                sql: "INSERT INTO rate_limit_hit (rate_limit_id, value, created_at) VALUES (?, ?, ?)"
            )
            .execute(arguments: [limit.id, limit.value, now])
        }
    }

    // MARK: Lookups

    /// A rate limit by SID or by unique name, as Twilio allows.
    static func findRateLimit(
        _ db: Database, account: SID, service: SID, key: String
    ) throws
        -> RateLimitRecord
    {
        let serviceID = try ServiceStore.requireID(db, account: account, service: service)
        let column = SID(key, expecting: .rateLimit) != nil ? "sid" : "unique_name"
        let value = SID(key, expecting: .rateLimit)?.rawValue ?? key
        guard
            let record = try RateLimitRecord.filter(Column("service_id") == serviceID && Column(column) == value)
                .fetchOne(db)
        else { throw NotFound("no rate limit '\(key)' on service \(service)") }
        return record
    }

    static func findBucket(
        _ db: Database, account: SID, service: SID, rateLimit: String, bucket: SID
    ) throws -> BucketRecord {
        let limit = try findRateLimit(db, account: account, service: service, key: rateLimit)
        guard
            let record = try BucketRecord.filter(
                Column("rate_limit_id") == limit.id! && Column("sid") == bucket.rawValue
            )
            .fetchOne(db)
        else { throw NotFound("no bucket \(bucket) on rate limit \(limit.sid)") }
        return record
    }
}
