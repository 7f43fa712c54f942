import GRDB
import VerifyWire

/// A row of `message`: one "sent" code, readable by tests through the control API.
public struct MessageRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "message"

    public var id: Int64?
    public var sid: String
    public var accountSid: String
    public var serviceSid: String
    public var verificationSid: String
    public var toAddress: String
    public var channel: String
    public var body: String
    public var code: String
    public var createdAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, sid, channel, body, code
        case accountSid = "account_sid"
        case serviceSid = "service_sid"
        case verificationSid = "verification_sid"
        case toAddress = "to_address"
        case createdAt = "created_at"
    }

    public init(
        sid: String, accountSid: String, serviceSid: String, verificationSid: String, toAddress: String,
        channel: String, body: String, code: String, createdAt: Int64
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.serviceSid = serviceSid
        self.verificationSid = verificationSid
        self.toAddress = toAddress
        self.channel = channel
        self.body = body
        self.code = code
        self.createdAt = createdAt
    }

    /// Rows map by position; every fetch selects these columns in this order.
    static let columnNames = [
        "id", "sid", "account_sid", "service_sid", "verification_sid", "to_address", "channel", "body", "code",
        "created_at",
    ]
    public static var databaseSelection: [any SQLSelectable] { columnNames.map { Column($0) } }
    static let selectSQL = "SELECT " + columnNames.joined(separator: ", ") + " FROM message"

    public init(row: Row) throws {
        id = row[0]
        sid = row[1]
        accountSid = row[2]
        serviceSid = row[3]
        verificationSid = row[4]
        toAddress = row[5]
        channel = row[6]
        body = row[7]
        code = row[8]
        createdAt = row[9]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["sid"] = sid
        container["account_sid"] = accountSid
        container["service_sid"] = serviceSid
        container["verification_sid"] = verificationSid
        container["to_address"] = toAddress
        container["channel"] = channel
        container["body"] = body
        container["code"] = code
        container["created_at"] = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
