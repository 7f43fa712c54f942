import GRDB
import VerifyWire

/// Every statement of the start, check, update and fetch path, in one place and one style:
/// GRDB's cached prepared statements (compiling SQL on every request cost more than running it),
/// bound and stepped through ``RawStatement``, rows mapped by position.
///
/// Why not GRDB's records here: its argument arrays, value conversions and `Row` objects were
/// about a quarter of the single writer's time on this path, and the writer is the one stage
/// every request passes through in turn (`bench/run.sh`). Everything else in the emulator
/// (services, rate limits, the control API) uses GRDB as usual. Each query's text is built
/// once, and a test checks that every one of them searches an index.
///
/// All of these run inside ``WriteBatcher`` operations (or a read), never on their own.
enum VerificationQueries {
    /// The few service columns the lifecycle needs, without decoding the JSON settings.
    struct ServiceRow {
        var id: Int64
        var sid: String
        var accountSid: String
        var friendlyName: String
        var codeLength: Int
        var customCodeEnabled: Bool
        var doNotShareWarningEnabled: Bool
        var defaultTemplateSid: String?
        var psd2Enabled: Bool
    }

    /// Arguments: service SID, account SID.
    static let serviceSQL = """
        SELECT id, friendly_name, code_length, custom_code_enabled, do_not_share_warning_enabled, default_template_sid,
            psd2_enabled
        FROM service WHERE sid = ? AND account_sid = ?
        """
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
    /// Arguments: to, service SID. The most specific rule first: recipient, service, everyone.
    static let fixedCodeSQL = """
        SELECT code FROM fixed_code
        WHERE (scope = 'recipient' AND key = ?) OR (scope = 'service' AND key = ?) OR scope = 'all'
        ORDER BY CASE scope WHEN 'recipient' THEN 0 WHEN 'service' THEN 1 ELSE 2 END
        LIMIT 1
        """
    static let insertVerificationSQL = """
        INSERT INTO verification (sid, service_id, service_sid, account_sid, to_address, channel, status, code,
            check_attempts, locale, amount, payee, created_at, updated_at, expires_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let insertMessageSQL = """
        INSERT INTO message (sid, account_sid, service_sid, verification_sid, to_address, channel, body, code,
            created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let saveStateSQL =
        "UPDATE verification SET status = ?, channel = ?, check_attempts = ?, updated_at = ? WHERE id = ?"

    static func service(_ db: Database, account: SID, sid: SID) throws -> ServiceRow? {
        let statement = try RawStatement(db, sql: serviceSQL)
        defer { statement.finish() }
        statement.bind(1, sid.rawValue)
        statement.bind(2, account.rawValue)
        guard try statement.step() else { return nil }
        return ServiceRow(
            id: statement.int64(0), sid: sid.rawValue, accountSid: account.rawValue, friendlyName: statement.text(1),
            codeLength: statement.int(2), customCodeEnabled: statement.bool(3),
            doNotShareWarningEnabled: statement.bool(4), defaultTemplateSid: statement.optionalText(5),
            psd2Enabled: statement.bool(6))
    }

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
        let statement = try RawStatement(db, sql: findSQL)
        defer { statement.finish() }
        statement.bind(1, sid.rawValue)
        statement.bind(2, serviceId)
        return try statement.step() ? try VerificationRecord(statement) : nil
    }

    /// A verification's send attempts (its messages), oldest first.
    static func attempts(_ db: Database, verificationSid: String) throws -> [MessageRecord] {
        let statement = try RawStatement(db, sql: attemptsSQL)
        defer { statement.finish() }
        statement.bind(1, verificationSid)
        var messages: [MessageRecord] = []
        while try statement.step() { messages.append(MessageRecord(statement)) }
        return messages
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

    /// When the oldest of the last `limit` sends to `to` was made: the first to leave the send
    /// window (read only when a start is refused, for `Retry-After`).
    static func oldestCountedSend(_ db: Database, to: String, serviceSid: SID, upTo limit: Int) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: """
                SELECT MIN(created_at) FROM (
                    SELECT created_at FROM message WHERE to_address = ? AND service_sid = ? ORDER BY id DESC LIMIT ?)
                """, arguments: [to, serviceSid.rawValue, limit])
    }

    /// The fixed code a new verification to `to` on the service gets, if a rule names one.
    static func fixedCode(_ db: Database, to: String, serviceSid: String) throws -> String? {
        let statement = try RawStatement(db, sql: fixedCodeSQL)
        defer { statement.finish() }
        statement.bind(1, to)
        statement.bind(2, serviceSid)
        return try statement.step() ? statement.text(0) : nil
    }

    static func insert(_ db: Database, _ record: inout VerificationRecord) throws {
        let statement = try RawStatement(db, sql: insertVerificationSQL)
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
    }

    static func insert(_ db: Database, _ message: inout MessageRecord) throws {
        let statement = try RawStatement(db, sql: insertMessageSQL)
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
    static func saveState(_ db: Database, _ record: VerificationRecord) throws {
        let statement = try RawStatement(db, sql: saveStateSQL)
        statement.bind(1, record.status.rawValue)
        statement.bind(2, record.channel)
        statement.bind(3, record.checkAttempts)
        statement.bind(4, record.updatedAt)
        statement.bind(5, record.id ?? 0)
        try statement.run()
    }
}
