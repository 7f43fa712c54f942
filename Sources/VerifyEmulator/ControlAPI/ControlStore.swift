import GRDB
import VerifyWire

/// The state the control API reads and changes: fixed codes, verification listings, resets.
struct ControlStore: Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock
    /// Services recreated after a reset, so fixture SIDs keep working.
    let fixtureServices: [ServiceFixture]
    /// The database file as it was when the store was made (nil in memory), for readiness.
    let databaseFile: DatabaseFileIdentity?

    init(writer: any DatabaseWriter, batcher: WriteBatcher, clock: EmulatorClock, fixtureServices: [ServiceFixture]) {
        self.writer = writer
        self.batcher = batcher
        self.clock = clock
        self.fixtureServices = fixtureServices
        self.databaseFile = DatabaseFileIdentity(path: writer.path)
    }

    struct VerificationQuery: Sendable {
        var serviceSid: String?
        var to: String?
        var status: VerificationStatus?
        var accountSid: String?
        var limit = 50
        /// Only verifications older than this one (a page's continuation).
        var beforeID: Int64?
    }

    /// The verifications `query` selects, newest first, each with its key in storage.
    func verifications(_ query: VerificationQuery) async throws -> [(key: Int64, summary: VerificationSummary)] {
        let now = clock.now(for: query.accountSid.flatMap { SID($0, expecting: .account) }).epochMilliseconds
        return try await writer.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let sid = query.serviceSid {
                conditions.append("v.service_sid = ?")
                arguments += [sid]
            }
            if let to = query.to {
                conditions.append("v.to_address = ?")
                arguments += [to]
            }
            if let account = query.accountSid {
                conditions.append("v.account_sid = ?")
                arguments += [account]
            }
            if let before = query.beforeID {
                conditions.append("v.id < ?")
                arguments += [before]
            }
            // Statuses in SQL too, so a filtered list stops early instead of reading every row.
            switch query.status {
            case .pending?:
                conditions.append("v.status = 'pending' AND v.expires_at > ?")
                arguments += [now]
            case .expired?:
                conditions.append("(v.status = 'expired' OR (v.status = 'pending' AND v.expires_at <= ?))")
                arguments += [now]
            case let status?:
                conditions.append("v.status = ?")
                arguments += [status.rawValue]
            case nil:
                break
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT \(VerificationRecord.columnNames.map { "v.\($0)" }.joined(separator: ", ")),
                        (SELECT COUNT(*) FROM message m WHERE m.verification_sid = v.sid)
                    FROM verification v \(whereClause) ORDER BY v.id DESC
                    """,
                arguments: arguments)
            var result: [(key: Int64, summary: VerificationSummary)] = []
            while let row = try rows.next() {
                let record = try VerificationRecord(row: row)
                let expired = record.status == .pending && record.isExpired(at: now)
                let status: VerificationStatus = expired ? .expired : record.status
                if let wanted = query.status, wanted != status { continue }
                result.append(
                    (
                        record.id ?? 0,
                        VerificationSummary(
                            sid: record.sid, serviceSid: record.serviceSid, accountSid: record.accountSid,
                            to: record.toAddress, channel: record.channel, status: status, code: record.code,
                            checkAttempts: record.checkAttempts,
                            sendAttempts: row[VerificationRecord.columnNames.count],
                            dateCreated: TwilioDate.format(epochSeconds: record.createdAt / 1000),
                            dateUpdated: TwilioDate.format(epochSeconds: record.updatedAt / 1000),
                            expiresAt: TwilioDate.format(epochSeconds: record.expiresAt / 1000),
                            secondsLeft: status == .pending ? Int((record.expiresAt - now + 999) / 1000) : 0)
                    ))
                if result.count == query.limit { break }
            }
            return result
        }
    }

    /// Returns when the database takes a write (the write lock, `BEGIN IMMEDIATE`, then a
    /// rollback: nothing changes) and is still the file at its path; throws saying why not. For
    /// `GET /readyz`.
    func checkWritable() async throws {
        try databaseFile?.check(path: writer.path)
        try await writer.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) { .rollback }
        }
    }

    func fixedCodes() async throws -> [FixedCode] {
        try await writer.read { db in try FixedCodes.all(db) }
    }

    func setFixedCode(_ rule: FixedCode) async throws {
        try await batcher.write { db in try FixedCodes.set(db, rule) }
    }

    func removeFixedCode(to: String?, serviceSid: String?) async throws -> Bool {
        try await batcher.write { db in try FixedCodes.remove(db, to: to, serviceSid: serviceSid) }
    }

    /// Deletes every service, verification and message (of one account, or of all, which also
    /// clears fixed codes), then recreates the fixture services.
    func reset(account: SID?) async throws {
        let now = clock.now().epochMilliseconds
        let fixtures = fixtureServices
        try await batcher.write { db in
            if let account {
                try db.execute(sql: "DELETE FROM service WHERE account_sid = ?", arguments: [account.rawValue])
                try db.execute(sql: "DELETE FROM message WHERE account_sid = ?", arguments: [account.rawValue])
                try db.execute(sql: "DELETE FROM safe_list WHERE account_sid = ?", arguments: [account.rawValue])
            } else {
                try db.execute(sql: "DELETE FROM service")
                try db.execute(sql: "DELETE FROM message")
                try db.execute(sql: "DELETE FROM safe_list")
                try db.execute(sql: "DELETE FROM fixed_code")
            }
            for fixture in fixtures where account == nil || fixture.accountSid == account {
                try ServiceStore.insertIfMissing(db, fixture, now: now)
            }
        }
    }
}
