import GRDB
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A row of `factor`.
struct FactorRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "factor"
    var id: Int64?
    var sid: String
    var entityId: Int64
    var entitySid: String
    var serviceSid: String
    var accountSid: String
    var identity: String
    var friendlyName: String
    var factorType: FactorType
    var status: FactorStatus
    /// Base32, as returned in the binding.
    var secret: String
    var alg: TOTPAlgorithm
    var timeStep: Int
    var skew: Int
    var codeLength: Int
    var lastCounter: Int64?
    var failedAttempts: Int
    /// A JSON object of strings, as given.
    var metadata: String?
    var createdAt: Int64
    var updatedAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, sid, identity, status, secret, alg, skew, metadata
        case entityId = "entity_id"
        case entitySid = "entity_sid"
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case friendlyName = "friendly_name"
        case factorType = "factor_type"
        case timeStep = "time_step"
        case codeLength = "code_length"
        case lastCounter = "last_counter"
        case failedAttempts = "failed_attempts"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    var totp: TOTP { TOTP(secret: Base32.decode(secret) ?? [], algorithm: alg, digits: codeLength, timeStep: timeStep) }

    /// The resource; `binding` only for the create response.
    func resource(baseURL: String, binding: FactorResource.Binding? = nil) -> FactorResource {
        FactorResource(
            sid: sid, accountSid: accountSid, serviceSid: serviceSid, entitySid: entitySid, identity: identity,
            binding: binding, dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000),
            dateUpdated: TwilioDate.format(epochSeconds: updatedAt / 1000), friendlyName: friendlyName,
            status: status, factorType: factorType,
            config: .init(alg: alg, skew: skew, codeLength: codeLength, timeStep: timeStep),
            metadata: metadata.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) },
            url: "\(baseURL)/v2/Services/\(serviceSid)/Entities/\(FormData.encode(identity))/Factors/\(sid)",
            isNew: binding != nil)
    }
}
