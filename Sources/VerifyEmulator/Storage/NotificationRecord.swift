import GRDB
import VerifyWire

/// A row of `notification`: a push notification sent again for a pending challenge.
struct NotificationRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "notification"
    var id: Int64?
    var sid: String
    var challengeId: Int64
    var challengeSid: String
    var entitySid: String
    var identity: String
    var serviceSid: String
    var accountSid: String
    var ttl: Int
    var createdAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, sid, identity, ttl
        case challengeId = "challenge_id"
        case challengeSid = "challenge_sid"
        case entitySid = "entity_sid"
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case createdAt = "created_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    var resource: NotificationResource {
        NotificationResource(
            sid: sid, accountSid: accountSid, serviceSid: serviceSid, entitySid: entitySid, identity: identity,
            challengeSid: challengeSid, priority: "high", ttl: ttl,
            dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000))
    }
}
