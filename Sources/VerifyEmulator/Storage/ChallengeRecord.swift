import GRDB
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A row of `challenge`.
struct ChallengeRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "challenge"
    var id: Int64?
    var sid: String
    var factorId: Int64
    var factorSid: String
    var entityId: Int64
    var entitySid: String
    var identity: String
    var serviceSid: String
    var accountSid: String
    var factorType: FactorType
    var status: ChallengeStatus
    var respondedReason: ChallengeReason
    /// JSON of ``ChallengeResource/Details``.
    var details: String?
    /// A JSON object of strings, as given.
    var hiddenDetails: String?
    var metadata: String?
    var failedAttempts: Int
    var expiresAt: Int64
    var respondedAt: Int64?
    var createdAt: Int64
    var updatedAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, sid, identity, status, details, metadata
        case factorId = "factor_id"
        case factorSid = "factor_sid"
        case entityId = "entity_id"
        case entitySid = "entity_sid"
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case factorType = "factor_type"
        case respondedReason = "responded_reason"
        case hiddenDetails = "hidden_details"
        case failedAttempts = "failed_attempts"
        case expiresAt = "expires_at"
        case respondedAt = "responded_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The status as of `now`: a pending challenge past its expiration date is expired, whether
    /// or not anything has written that down yet.
    func status(at now: Int64) -> ChallengeStatus {
        status == .pending && now >= expiresAt ? .expired : status
    }

    func resource(baseURL: String, now: Int64) -> ChallengeResource {
        func object(_ text: String?) -> [String: String]? {
            text.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
        }
        let url = "\(baseURL)/v2/Services/\(serviceSid)/Entities/\(FormData.encode(identity))/Challenges/\(sid)"
        return ChallengeResource(
            sid: sid, accountSid: accountSid, serviceSid: serviceSid, entitySid: entitySid, identity: identity,
            factorSid: factorSid, dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000),
            dateUpdated: TwilioDate.format(epochSeconds: updatedAt / 1000),
            dateResponded: respondedAt.map { TwilioDate.format(epochSeconds: $0 / 1000) },
            expirationDate: TwilioDate.format(epochSeconds: expiresAt / 1000), status: status(at: now),
            respondedReason: respondedReason,
            details: details.flatMap { try? JSONDecoder().decode(ChallengeResource.Details.self, from: Data($0.utf8)) },
            hiddenDetails: object(hiddenDetails), metadata: object(metadata), factorType: factorType, url: url,
            links: ["notifications": "\(url)/Notifications"])
    }
}
