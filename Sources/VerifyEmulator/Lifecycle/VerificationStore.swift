import GRDB
import Logging
import VerifyWire

/// The verification lifecycle: start (and resend), check, cancel or approve, fetch.
///
/// Every state change runs as one operation of the ``WriteBatcher``: it re-reads the service and
/// the verification inside the transaction, decides, and writes, so concurrent checks of one
/// verification are serialised and can never exceed the attempt limit or approve twice.
/// Time comes only from the injected ``EmulatorClock``.
struct VerificationStore: Sendable {
    struct Limits: Sendable {
        var codeExpiry: Int64
        var maxSendAttempts: Int
        var sendWindow: Int64
        var maxCheckAttempts: Int
    }

    /// A verification as the API shows it, with its send attempts in order.
    struct Snapshot: Sendable {
        var verification: VerificationRecord
        var attempts: [MessageRecord]
    }

    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock
    let limits: Limits
    let outbox: Outbox

    /// Starts a verification, or re-sends the pending one for the same `To` (same SID, same code,
    /// one more send attempt), and "delivers" the code to the outbox.
    func start(
        account: SID, serviceSid: SID, request: StartVerificationRequest, path: String
    ) async throws
        -> Snapshot
    {
        let now = clock.now().epochMilliseconds
        let limits = self.limits
        // Everything random is drawn before the write, so the single writer does only
        // database work (the CSPRNG is a system call).
        let fresh = FreshValues(now: now)
        let snapshot = try await batcher.write { db -> Snapshot in
            guard let service = try Self.serviceRow(db, account: account, sid: serviceSid) else {
                throw TwilioError.notFound(path, hint: "no service \(serviceSid) in account \(account)")
            }
            if request.customCode != nil, !service.customCodeEnabled {
                throw TwilioError.customCodeNotAllowed()
            }
            if !request.rateLimits.isEmpty {
                try RateLimitStore.enforce(db, serviceID: service.id, values: request.rateLimits, now: now)
            }
            let sentInWindow =
                limits.maxSendAttempts == 0
                ? 0
                : try Self.sentCount(
                    db, to: request.to, serviceSid: serviceSid, since: now - limits.sendWindow,
                    upTo: limits.maxSendAttempts)
            if limits.maxSendAttempts > 0, sentInWindow >= limits.maxSendAttempts {
                throw TwilioError.maxSendAttempts(
                    hint: "\(sentInWindow) codes sent to \(request.to) in the last \(limits.sendWindow / 1000) s; "
                        + "the limit is \(limits.maxSendAttempts)")
            }

            var verification: VerificationRecord
            var isResend = false
            if var current = try Self.latest(db, service: service, to: request.to), current.status == .pending {
                if current.isExpired(at: now) {
                    current.status = .expired
                    current.updatedAt = now
                    try Self.saveState(db, current)
                    verification = try Self.insertNew(
                        db, service: service, request: request, fresh: fresh, now: now, limits: limits)
                } else {
                    current.channel = request.channel.rawValue
                    current.updatedAt = now
                    try Self.saveState(db, current)
                    verification = current
                    isResend = true
                }
            } else {
                verification = try Self.insertNew(
                    db, service: service, request: request, fresh: fresh, now: now, limits: limits)
            }

            var message = MessageRecord(
                sid: fresh.messageSid.rawValue, accountSid: account.rawValue, serviceSid: serviceSid.rawValue,
                verificationSid: verification.sid, toAddress: request.to, channel: request.channel.rawValue,
                body: MessageText.body(
                    channel: request.channel, name: request.customFriendlyName ?? service.friendlyName,
                    code: verification.code, locale: request.locale,
                    doNotShareWarning: service.doNotShareWarningEnabled, appHash: request.appHash),
                code: verification.code, createdAt: now)
            try Self.insert(db, &message)
            let attempts = isResend ? try Self.attempts(db, verificationSid: verification.sid) : [message]
            return Snapshot(verification: verification, attempts: attempts)
        }
        if let sent = snapshot.attempts.last { outbox.delivered(sent) }
        return snapshot
    }

    /// Checks a code. A right code approves; a wrong one uses up an attempt. Finished,
    /// expired and unknown verifications are 404; one past its attempts is 429 once, then 404.
    func check(
        account: SID, serviceSid: SID, request: CheckVerificationRequest, path: String
    ) async throws
        -> VerificationRecord
    {
        let now = clock.now().epochMilliseconds
        let maxChecks = limits.maxCheckAttempts
        let outcome = try await batcher.write { db -> Result<VerificationRecord, TwilioError> in
            guard let service = try Self.serviceRow(db, account: account, sid: serviceSid) else {
                throw TwilioError.notFound(path, hint: "no service \(serviceSid) in account \(account)")
            }
            let found: VerificationRecord?
            switch request.target {
            case .verification(let sid):
                found = try Self.find(db, serviceId: service.id, sid: sid)
            case .recipient(let to):
                found = try Self.latest(db, service: service, to: to)
            }
            guard var verification = found else {
                return .failure(.notFound(path, hint: "no verification matches on service \(serviceSid)"))
            }
            switch verification.status {
            case .pending where verification.isExpired(at: now):
                verification.status = .expired
                verification.updatedAt = now
                try Self.saveState(db, verification)
                return .failure(.notFound(path, hint: "verification \(verification.sid) expired"))
            case .pending:
                if constantTimeEquals(request.code, verification.code) {
                    verification.status = .approved
                } else {
                    verification.checkAttempts += 1
                    if maxChecks > 0, verification.checkAttempts >= maxChecks {
                        verification.status = .maxAttemptsReached
                    }
                }
                verification.updatedAt = now
                try Self.saveState(db, verification)
                return .success(verification)
            case .maxAttemptsReached where verification.checkAttempts <= maxChecks:
                // The first check after the limit is told so; Twilio then deletes the verification.
                verification.checkAttempts += 1
                try Self.saveState(db, verification)
                return .failure(
                    .maxCheckAttempts(hint: "verification \(verification.sid) had \(maxChecks) wrong checks"))
            default:
                return .failure(
                    .notFound(
                        path,
                        hint: "verification \(verification.sid) is \(verification.status.rawValue), no longer checkable"
                    ))
            }
        }
        return try outcome.get()
    }

    /// Ends a pending verification by hand with `canceled` or `approved`.
    func update(
        account: SID, serviceSid: SID, sid: SID, status: VerificationStatus, path: String
    ) async throws -> Snapshot {
        let now = clock.now().epochMilliseconds
        let outcome = try await batcher.write { db -> Result<Snapshot, TwilioError> in
            guard let service = try Self.serviceRow(db, account: account, sid: serviceSid) else {
                throw TwilioError.notFound(path, hint: "no service \(serviceSid) in account \(account)")
            }
            guard
                var verification = try Self.find(db, serviceId: service.id, sid: sid)
            else { return .failure(.notFound(path, hint: "no verification \(sid) on service \(serviceSid)")) }
            guard verification.status == .pending else {
                return .failure(.notFound(path, hint: "verification \(sid) is already \(verification.status.rawValue)"))
            }
            verification.status = verification.isExpired(at: now) ? .expired : status
            verification.updatedAt = now
            try Self.saveState(db, verification)
            if verification.status == .expired {
                return .failure(.notFound(path, hint: "verification \(sid) expired"))
            }
            return .success(
                Snapshot(verification: verification, attempts: try Self.attempts(db, verificationSid: sid.rawValue)))
        }
        return try outcome.get()
    }

    /// A pending verification; finished or expired ones are gone, as on Twilio.
    func fetch(account: SID, serviceSid: SID, sid: SID, path: String) async throws -> Snapshot {
        let now = clock.now().epochMilliseconds
        let snapshot = try await writer.read { db -> Snapshot? in
            guard let service = try Self.serviceRow(db, account: account, sid: serviceSid),
                let verification = try Self.find(db, serviceId: service.id, sid: sid)
            else { return nil }
            return Snapshot(verification: verification, attempts: try Self.attempts(db, verificationSid: sid.rawValue))
        }
        guard let snapshot else {
            throw TwilioError.notFound(path, hint: "no verification \(sid) on service \(serviceSid)")
        }
        guard snapshot.verification.status == .pending, !snapshot.verification.isExpired(at: now) else {
            let state: VerificationStatus =
                snapshot.verification.status == .pending ? .expired : snapshot.verification.status
            throw TwilioError.notFound(path, hint: "verification \(sid) is \(state.rawValue)")
        }
        return snapshot
    }

    // MARK: Queries

    struct ServiceRow {
        var id: Int64
        var sid: String
        var accountSid: String
        var friendlyName: String
        var codeLength: Int
        var customCodeEnabled: Bool
        var doNotShareWarningEnabled: Bool
    }

    /// The few service columns the lifecycle needs, without decoding the JSON settings.
    static func serviceRow(_ db: Database, account: SID, sid: SID) throws -> ServiceRow? {
        let statement = try RawStatement(
            db,
            sql: """
                SELECT id, friendly_name, code_length, custom_code_enabled, do_not_share_warning_enabled
                FROM service WHERE sid = ? AND account_sid = ?
                """)
        defer { statement.finish() }
        statement.bind(1, sid.rawValue)
        statement.bind(2, account.rawValue)
        guard try statement.step() else { return nil }
        return ServiceRow(
            id: statement.int64(0), sid: sid.rawValue, accountSid: account.rawValue, friendlyName: statement.text(1),
            codeLength: statement.int(2), customCodeEnabled: statement.bool(3),
            doNotShareWarningEnabled: statement.bool(4))
    }

    // The hot queries use cached prepared statements: compiling SQL on every request cost more
    // than running it. Their text is built once; a test checks that each one uses an index.

    /// Arguments: to, service SID, service id.
    static let latestSQL =
        VerificationRecord.selectSQL + """
             WHERE sid = (
                SELECT verification_sid FROM message WHERE to_address = ? AND service_sid = ? ORDER BY id DESC LIMIT 1)
            AND service_id = ?
            """
    /// Arguments: to, service SID, limit, since.
    static let sentCountSQL = """
        SELECT COUNT(*) FROM (
            SELECT created_at FROM message WHERE to_address = ? AND service_sid = ? ORDER BY id DESC LIMIT ?)
        WHERE created_at > ?
        """
    /// Arguments: verification SID, service id.
    static let findSQL = VerificationRecord.selectSQL + " WHERE sid = ? AND service_id = ?"
    /// Arguments: verification SID.
    static let attemptsSQL = MessageRecord.selectSQL + " WHERE verification_sid = ? ORDER BY id"

    /// The newest verification of `service` for `to`, whatever its status.
    ///
    /// Found through the newest message to `to`: every start and resend writes a message, and
    /// only the newest verification for a recipient can be resent, so the newest message names
    /// it. Message ids only grow, so this holds even when the emulator's clock is set back.
    /// (A deleted service's messages are kept but its verifications are not: then nothing is
    /// found, as before.)
    static func latest(_ db: Database, service: ServiceRow, to: String) throws -> VerificationRecord? {
        let statement = try RawStatement(db, sql: latestSQL)
        defer { statement.finish() }
        statement.bind(1, to)
        statement.bind(2, service.sid)
        statement.bind(3, service.id)
        return try statement.step() ? try VerificationRecord(statement) : nil
    }

    static func find(_ db: Database, serviceId: Int64, sid: SID) throws -> VerificationRecord? {
        try VerificationRecord.fetchOne(db.cachedStatement(sql: findSQL), arguments: [sid.rawValue, serviceId])
    }

    static func attempts(_ db: Database, verificationSid: String) throws -> [MessageRecord] {
        try MessageRecord.fetchAll(db.cachedStatement(sql: attemptsSQL), arguments: [verificationSid])
    }

    /// How many of the newest `limit` messages to `to` on the service were sent after `since`:
    /// the send limit only needs to know whether `limit` were, and this reads at most `limit`
    /// index entries however often the number was used before.
    static func sentCount(_ db: Database, to: String, serviceSid: SID, since: Int64, upTo limit: Int) throws -> Int {
        let statement = try RawStatement(db, sql: sentCountSQL)
        defer { statement.finish() }
        statement.bind(1, to)
        statement.bind(2, serviceSid.rawValue)
        statement.bind(3, Int64(limit))
        statement.bind(4, since)
        return try statement.step() ? statement.int(0) : 0
    }

    private static func insertNew(
        _ db: Database, service: ServiceRow, request: StartVerificationRequest, fresh: FreshValues, now: Int64,
        limits: Limits
    ) throws -> VerificationRecord {
        var record = VerificationRecord(
            sid: fresh.verificationSid.rawValue, serviceId: service.id, serviceSid: service.sid,
            accountSid: service.accountSid, toAddress: request.to, channel: request.channel.rawValue, status: .pending,
            code: try request.customCode
                ?? FixedCodes.code(db, to: request.to, serviceSid: service.sid)
                ?? String(fresh.digits.prefix(service.codeLength)),
            checkAttempts: 0,
            locale: request.locale, amount: request.amount, payee: request.payee, createdAt: now, updatedAt: now,
            expiresAt: now + limits.codeExpiry)
        let statement = try RawStatement(
            db,
            sql: """
                INSERT INTO verification (sid, service_id, service_sid, account_sid, to_address, channel, status, code,
                    check_attempts, locale, amount, payee, created_at, updated_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        statement.bind(1, record.sid)
        statement.bind(2, record.serviceId)
        statement.bind(3, record.serviceSid)
        statement.bind(4, record.accountSid)
        statement.bind(5, record.toAddress)
        statement.bind(6, record.channel)
        statement.bind(7, record.status.rawValue)
        statement.bind(8, record.code)
        statement.bind(9, record.checkAttempts)
        statement.bind(10, record.locale)
        statement.bind(11, record.amount)
        statement.bind(12, record.payee)
        statement.bind(13, record.createdAt)
        statement.bind(14, record.updatedAt)
        statement.bind(15, record.expiresAt)
        try statement.run()
        record.id = db.lastInsertedRowID
        return record
    }

    private static func insert(_ db: Database, _ message: inout MessageRecord) throws {
        let statement = try RawStatement(
            db,
            sql: """
                INSERT INTO message (sid, account_sid, service_sid, verification_sid, to_address, channel, body, code,
                    created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        statement.bind(1, message.sid)
        statement.bind(2, message.accountSid)
        statement.bind(3, message.serviceSid)
        statement.bind(4, message.verificationSid)
        statement.bind(5, message.toAddress)
        statement.bind(6, message.channel)
        statement.bind(7, message.body)
        statement.bind(8, message.code)
        statement.bind(9, message.createdAt)
        try statement.run()
        message.id = db.lastInsertedRowID
    }

    /// Writes the fields the lifecycle changes.
    private static func saveState(_ db: Database, _ record: VerificationRecord) throws {
        let statement = try RawStatement(
            db, sql: "UPDATE verification SET status = ?, channel = ?, check_attempts = ?, updated_at = ? WHERE id = ?")
        statement.bind(1, record.status.rawValue)
        statement.bind(2, record.channel)
        statement.bind(3, record.checkAttempts)
        statement.bind(4, record.updatedAt)
        statement.bind(5, record.id ?? 0)
        try statement.run()
    }

    /// Random values a start may need, drawn outside the write transaction.
    struct FreshValues: Sendable {
        var verificationSid: SID
        var messageSid: SID
        /// Enough digits for the longest code; a service takes the first `code_length`.
        var digits = VerificationStore.randomCode(length: 10)

        /// Time-ordered SIDs (see ``SID/timeOrdered(_:milliseconds:)``): the sid indexes of
        /// verifications and messages then grow at their ends.
        init(now: Int64) {
            verificationSid = .timeOrdered(.verification, milliseconds: now)
            messageSid = .timeOrdered(.sendAttempt, milliseconds: now)
        }
    }

    /// `length` (at most 18) decimal digits from the system CSPRNG, uniformly distributed.
    static func randomCode(length: Int) -> String {
        precondition((1...18).contains(length))
        var generator = SecureRandom()
        var limit: UInt64 = 1
        for _ in 0..<length { limit *= 10 }
        let digits = String(UInt64.random(in: 0..<limit, using: &generator))
        return String(repeating: "0", count: length - digits.count) + digits
    }
}
