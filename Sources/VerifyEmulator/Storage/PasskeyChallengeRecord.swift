import GRDB
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A row of `passkey_challenge`: one sign-in ceremony, with the relying party it is for.
struct PasskeyChallengeRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "passkey_challenge"
    var id: Int64?
    var sid: String
    var serviceId: Int64
    var serviceSid: String
    var accountSid: String
    /// Nil for a usernameless challenge until a passkey answers it.
    var entityId: Int64?
    var factorId: Int64?
    var rpId: String
    /// A JSON array of origins.
    var rpOrigins: String
    var userVerification: String
    var status: ChallengeStatus
    var expiresAt: Int64
    var respondedAt: Int64?
    var createdAt: Int64
    var updatedAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, sid, status
        case serviceId = "service_id"
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case entityId = "entity_id"
        case factorId = "factor_id"
        case rpId = "rp_id"
        case rpOrigins = "rp_origins"
        case userVerification = "user_verification"
        case expiresAt = "expires_at"
        case respondedAt = "responded_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    var origins: [String] { (try? JSONDecoder().decode([String].self, from: Data(rpOrigins.utf8))) ?? [] }

    func status(at now: Int64) -> ChallengeStatus {
        status == .pending && now >= expiresAt ? .expired : status
    }
}
