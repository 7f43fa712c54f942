import GRDB
import VerifyWire

/// A row of `entity`.
struct EntityRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "entity"
    var id: Int64?
    var sid: String
    var serviceId: Int64
    var serviceSid: String
    var accountSid: String
    var identity: String
    var createdAt: Int64
    var updatedAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, sid, identity
        case serviceId = "service_id"
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    func resource(baseURL: String) -> EntityResource {
        let url = "\(baseURL)/v2/Services/\(serviceSid)/Entities/\(FormData.encode(identity))"
        return EntityResource(
            sid: sid, identity: identity, accountSid: accountSid, serviceSid: serviceSid,
            dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000),
            dateUpdated: TwilioDate.format(epochSeconds: updatedAt / 1000), url: url,
            links: ["factors": "\(url)/Factors", "new_factors": "\(url)/Factors", "challenges": "\(url)/Challenges"])
    }
}
