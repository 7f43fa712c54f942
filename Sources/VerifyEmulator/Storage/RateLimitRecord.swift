import GRDB
import VerifyWire

/// A row of `rate_limit`.
struct RateLimitRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "rate_limit"
    var id: Int64?
    var sid: String
    var serviceId: Int64
    var serviceSid: String
    var accountSid: String
    var uniqueName: String
    var description: String?
    var createdAt: Int64
    var updatedAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, sid, description
        case serviceId = "service_id"
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case uniqueName = "unique_name"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    func resource(baseURL: String) -> RateLimitResource {
        let url = "\(baseURL)/v2/Services/\(serviceSid)/RateLimits/\(sid)"
        return RateLimitResource(
            sid: sid, serviceSid: serviceSid, accountSid: accountSid, uniqueName: uniqueName,
            description: description, dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000),
            dateUpdated: TwilioDate.format(epochSeconds: updatedAt / 1000), url: url,
            links: ["buckets": "\(url)/Buckets"])
    }
}
