import GRDB
import VerifyWire

/// A row of `access_token`.
struct AccessTokenRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "access_token"
    var id: Int64?
    var sid: String
    var serviceId: Int64
    var serviceSid: String
    var accountSid: String
    var identity: String
    var factorType: FactorType
    var factorFriendlyName: String?
    var token: String
    var ttl: Int
    var createdAt: Int64
    /// The factor this token created: a token admits one factor.
    var factorSid: String?

    enum CodingKeys: String, CodingKey {
        case id, sid, identity, token, ttl
        case serviceId = "service_id"
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case factorType = "factor_type"
        case factorFriendlyName = "factor_friendly_name"
        case createdAt = "created_at"
        case factorSid = "factor_sid"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Whether the token still admits a factor create at `now` (epoch milliseconds).
    func isValid(at now: Int64) -> Bool { now < createdAt + Int64(ttl) * 1000 }

    func resource(baseURL: String) -> AccessTokenResource {
        AccessTokenResource(
            sid: sid, accountSid: accountSid, serviceSid: serviceSid, entityIdentity: identity, factorType: factorType,
            factorFriendlyName: factorFriendlyName, token: token,
            url: "\(baseURL)/v2/Services/\(serviceSid)/AccessTokens/\(sid)", ttl: ttl,
            dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000))
    }
}
