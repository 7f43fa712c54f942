import GRDB
import VerifyWire

/// A row of `bucket`.
struct BucketRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "bucket"
    var id: Int64?
    var sid: String
    var rateLimitId: Int64
    var rateLimitSid: String
    var serviceSid: String
    var accountSid: String
    var max: Int
    var interval: Int
    var createdAt: Int64
    var updatedAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, sid, max, interval
        case rateLimitId = "rate_limit_id"
        case rateLimitSid = "rate_limit_sid"
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    func resource(baseURL: String) -> BucketResource {
        BucketResource(
            sid: sid, rateLimitSid: rateLimitSid, serviceSid: serviceSid, accountSid: accountSid, max: max,
            interval: interval, dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000),
            dateUpdated: TwilioDate.format(epochSeconds: updatedAt / 1000),
            url: "\(baseURL)/v2/Services/\(serviceSid)/RateLimits/\(rateLimitSid)/Buckets/\(sid)")
    }
}
