import GRDB
import VerifyWire

/// A row of `verification`. `status` is what was decided last; a pending verification whose
/// `expires_at` has passed is expired whether or not a later request has written that down.
struct VerificationRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "verification"

    var id: Int64?
    var sid: String
    var serviceId: Int64
    var serviceSid: String
    var accountSid: String
    var toAddress: String
    var channel: String
    var status: VerificationStatus
    var code: String
    var checkAttempts: Int
    var locale: String?
    var amount: String?
    var payee: String?
    var createdAt: Int64
    var updatedAt: Int64
    var expiresAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, sid, channel, status, code, locale, amount, payee
        case serviceId = "service_id"
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case toAddress = "to_address"
        case checkAttempts = "check_attempts"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case expiresAt = "expires_at"
    }

    init(
        sid: String, serviceId: Int64, serviceSid: String, accountSid: String, toAddress: String, channel: String,
        status: VerificationStatus, code: String, checkAttempts: Int, locale: String?, amount: String?, payee: String?,
        createdAt: Int64, updatedAt: Int64, expiresAt: Int64
    ) {
        self.sid = sid
        self.serviceId = serviceId
        self.serviceSid = serviceSid
        self.accountSid = accountSid
        self.toAddress = toAddress
        self.channel = channel
        self.status = status
        self.code = code
        self.checkAttempts = checkAttempts
        self.locale = locale
        self.amount = amount
        self.payee = payee
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.expiresAt = expiresAt
    }

    // Hand-written row mapping by position: the lifecycle reads these on every request, and
    // Codable's keyed decoding (or lookups by column name) cost several times more. Every fetch
    // selects exactly these columns in this order (`databaseSelection`, `selectSQL`).
    static let columnNames = [
        "id", "sid", "service_id", "service_sid", "account_sid", "to_address", "channel", "status", "code",
        "check_attempts", "locale", "amount", "payee", "created_at", "updated_at", "expires_at",
    ]
    static var databaseSelection: [any SQLSelectable] { columnNames.map { Column($0) } }
    static let selectSQL = "SELECT " + columnNames.joined(separator: ", ") + " FROM verification"

    init(row: Row) throws {
        id = row[0]
        sid = row[1]
        serviceId = row[2]
        serviceSid = row[3]
        accountSid = row[4]
        toAddress = row[5]
        channel = row[6]
        guard let status = VerificationStatus(rawValue: row[7]) else {
            throw VerificationRecord.unknownStatus(row[7])
        }
        self.status = status
        code = row[8]
        checkAttempts = row[9]
        locale = row[10]
        amount = row[11]
        payee = row[12]
        createdAt = row[13]
        updatedAt = row[14]
        expiresAt = row[15]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["sid"] = sid
        container["service_id"] = serviceId
        container["service_sid"] = serviceSid
        container["account_sid"] = accountSid
        container["to_address"] = toAddress
        container["channel"] = channel
        container["status"] = status.rawValue
        container["code"] = code
        container["check_attempts"] = checkAttempts
        container["locale"] = locale
        container["amount"] = amount
        container["payee"] = payee
        container["created_at"] = createdAt
        container["updated_at"] = updatedAt
        container["expires_at"] = expiresAt
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    func isExpired(at now: Int64) -> Bool { now >= expiresAt }

    /// A `status` column holding a value no version of the emulator writes: the file was
    /// changed by hand or by a newer emulator.
    static func unknownStatus(_ text: String) -> DatabaseError {
        DatabaseError(
            resultCode: .SQLITE_CORRUPT, message: "verification status '\(text)' is not one this emulator knows")
    }

    func resource(baseURL: String, attempts: [MessageRecord], snaURL: String? = nil) -> VerificationResource {
        VerificationResource(
            sid: sid, serviceSid: serviceSid, accountSid: accountSid, to: toAddress, channel: channel,
            status: status, valid: status == .approved, amount: amount, payee: payee,
            sendCodeAttempts: attempts.map {
                SendCodeAttempt(
                    attemptSid: $0.sid, channel: $0.channel.uppercased(),
                    time: TwilioDate.format(epochSeconds: $0.createdAt / 1000))
            },
            dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000),
            dateUpdated: TwilioDate.format(epochSeconds: updatedAt / 1000),
            sna: snaURL.map { ["url": $0] }, url: "\(baseURL)/v2/Services/\(serviceSid)/Verifications/\(sid)"
        )
    }

    /// The check's answer; `snaErrors` (an SNA verification's failed attempts) or null.
    func checkResource(snaErrors: [Int]? = nil) -> VerificationCheckResource {
        VerificationCheckResource(
            sid: sid, serviceSid: serviceSid, accountSid: accountSid, to: toAddress, channel: channel,
            status: status, valid: status == .approved, amount: amount, payee: payee, snaAttemptsErrorCodes: snaErrors,
            dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000),
            dateUpdated: TwilioDate.format(epochSeconds: updatedAt / 1000)
        )
    }
}
