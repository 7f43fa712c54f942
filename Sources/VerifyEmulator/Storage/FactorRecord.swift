import GRDB
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A row of `factor`: the columns every factor has, then those of its type (the TOTP secret and
/// settings, or the push device's key and app), nil for the other types.
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
    /// TOTP: base32, as returned in the binding.
    var secret: String?
    var alg: TOTPAlgorithm?
    var timeStep: Int?
    var skew: Int?
    var codeLength: Int?
    var lastCounter: Int64?
    var failedAttempts: Int
    /// Push: the device's P-256 public key, PKIX DER in base64 as the device sent it.
    var publicKey: String?
    /// Push: the `kid` of the device's JWTs.
    var credentialSid: String?
    var sdkVersion: String?
    var appId: String?
    var notificationPlatform: NotificationPlatform?
    var notificationToken: String?
    /// Passkeys: the relying party and authenticator settings.
    var rpId: String?
    var rpName: String?
    /// A JSON array of origins.
    var rpOrigins: String?
    var authenticatorAttachment: String?
    var discoverableCredentials: String?
    var userVerification: String?
    /// Passkeys: the registered credential's id (base64url) and its signature counter.
    var credentialId: String?
    var signCount: Int64?
    /// A JSON array of the authenticator's transports.
    var transports: String?
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
        case publicKey = "public_key"
        case credentialSid = "credential_sid"
        case sdkVersion = "sdk_version"
        case appId = "app_id"
        case notificationPlatform = "notification_platform"
        case notificationToken = "notification_token"
        case rpId = "rp_id"
        case rpName = "rp_name"
        case rpOrigins = "rp_origins"
        case authenticatorAttachment = "authenticator_attachment"
        case discoverableCredentials = "discoverable_credentials"
        case userVerification = "user_verification"
        case credentialId = "credential_id"
        case signCount = "sign_count"
        case transports
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// A new factor of `type` with no type-specific settings yet.
    init(
        sid: String, entity: EntityRecord, friendlyName: String, factorType: FactorType, metadata: String?, now: Int64
    ) {
        self.sid = sid
        self.entityId = entity.id!
        self.entitySid = entity.sid
        self.serviceSid = entity.serviceSid
        self.accountSid = entity.accountSid
        self.identity = entity.identity
        self.friendlyName = friendlyName
        self.factorType = factorType
        self.status = .unverified
        self.failedAttempts = 0
        self.metadata = metadata
        self.createdAt = now
        self.updatedAt = now
    }

    /// The code generator of a TOTP factor; nil for other types.
    var totp: TOTP? {
        guard factorType == .totp, let secret, let bytes = Base32.decode(secret) else { return nil }
        return TOTP(secret: bytes, algorithm: alg ?? .sha1, digits: codeLength ?? 6, timeStep: timeStep ?? 30)
    }

    var config: FactorResource.Config {
        switch factorType {
        case .push:
            .push(
                .init(
                    sdkVersion: sdkVersion, appId: appId, notificationPlatform: notificationPlatform ?? .none,
                    notificationToken: notificationToken, credentialSid: credentialSid ?? ""))
        case .passkeys:
            .passkeys(passkeysConfig)
        case .totp:
            .totp(.init(alg: alg ?? .sha1, skew: skew ?? 1, codeLength: codeLength ?? 6, timeStep: timeStep ?? 30))
        }
    }

    /// A passkeys factor's settings.
    var passkeysConfig: PasskeysConfig {
        PasskeysConfig(
            relyingParty: .init(
                id: rpId ?? "", name: rpName ?? "",
                origins: rpOrigins.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []),
            authenticatorAttachment: authenticatorAttachment ?? "any",
            discoverableCredentials: discoverableCredentials ?? "preferred",
            userVerification: userVerification ?? "preferred")
    }

    /// The resource; `binding` (and a passkey's creation `options`) only for the create response.
    func resource(
        baseURL: String, binding: FactorResource.Binding? = nil, isNew: Bool? = nil,
        options: PublicKeyOptions<PasskeyCreationOptions>? = nil
    ) -> FactorResource {
        FactorResource(
            sid: sid, accountSid: accountSid, serviceSid: serviceSid, entitySid: entitySid, identity: identity,
            binding: binding, dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000),
            dateUpdated: TwilioDate.format(epochSeconds: updatedAt / 1000), friendlyName: friendlyName,
            status: status, factorType: factorType, config: config,
            metadata: metadata.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) },
            url: "\(baseURL)/v2/Services/\(serviceSid)/Entities/\(FormData.encode(identity))/Factors/\(sid)",
            isNew: isNew ?? (binding != nil), options: options)
    }
}
