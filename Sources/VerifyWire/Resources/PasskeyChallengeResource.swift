/// A passkeys challenge (`POST /v2/Services/{VA}/Passkeys/Challenges`, `…/ApproveChallenge`):
/// a sign-in ceremony, with its WebAuthn request options. A usernameless one names no entity
/// or factor (`""`) until a passkey answers it.
public struct PasskeyChallengeResource: Codable, Sendable, Equatable {
    public var sid: String
    public var accountSid: String
    public var serviceSid: String
    public var entitySid: String
    public var identity: String
    public var factorSid: String
    public var dateCreated: String
    public var dateUpdated: String
    public var dateResponded: String?
    public var expirationDate: String?
    public var status: ChallengeStatus
    public var respondedReason: ChallengeReason
    public var factorType: FactorType
    public var url: String
    public var options: PublicKeyOptions<PasskeyRequestOptions>

    public init(
        sid: String, accountSid: String, serviceSid: String, entitySid: String, identity: String, factorSid: String,
        dateCreated: String, dateUpdated: String, dateResponded: String?, expirationDate: String?,
        status: ChallengeStatus, url: String, options: PublicKeyOptions<PasskeyRequestOptions>
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.serviceSid = serviceSid
        self.entitySid = entitySid
        self.identity = identity
        self.factorSid = factorSid
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.dateResponded = dateResponded
        self.expirationDate = expirationDate
        self.status = status
        self.respondedReason = .none
        self.factorType = .passkeys
        self.url = url
        self.options = options
    }

    enum CodingKeys: String, CodingKey {
        case sid, identity, status, details, metadata, url, links, options
        case accountSid = "account_sid"
        case serviceSid = "service_sid"
        case entitySid = "entity_sid"
        case factorSid = "factor_sid"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
        case dateResponded = "date_responded"
        case expirationDate = "expiration_date"
        case respondedReason = "responded_reason"
        case hiddenDetails = "hidden_details"
        case factorType = "factor_type"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sid = try c.decode(String.self, forKey: .sid)
        accountSid = try c.decode(String.self, forKey: .accountSid)
        serviceSid = try c.decode(String.self, forKey: .serviceSid)
        entitySid = try c.decode(String.self, forKey: .entitySid)
        identity = try c.decode(String.self, forKey: .identity)
        factorSid = try c.decode(String.self, forKey: .factorSid)
        dateCreated = try c.decode(String.self, forKey: .dateCreated)
        dateUpdated = try c.decode(String.self, forKey: .dateUpdated)
        dateResponded = try c.decodeIfPresent(String.self, forKey: .dateResponded)
        expirationDate = try c.decodeIfPresent(String.self, forKey: .expirationDate)
        status = try c.decode(ChallengeStatus.self, forKey: .status)
        respondedReason = try c.decode(ChallengeReason.self, forKey: .respondedReason)
        factorType = try c.decode(FactorType.self, forKey: .factorType)
        url = try c.decode(String.self, forKey: .url)
        options = try c.decode(PublicKeyOptions<PasskeyRequestOptions>.self, forKey: .options)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sid, forKey: .sid)
        try c.encode(accountSid, forKey: .accountSid)
        try c.encode(serviceSid, forKey: .serviceSid)
        try c.encode(entitySid, forKey: .entitySid)
        try c.encode(identity, forKey: .identity)
        try c.encode(factorSid, forKey: .factorSid)
        try c.encode(dateCreated, forKey: .dateCreated)
        try c.encode(dateUpdated, forKey: .dateUpdated)
        try c.encode(dateResponded, forKey: .dateResponded)
        try c.encode(expirationDate, forKey: .expirationDate)
        try c.encode(status, forKey: .status)
        try c.encode(respondedReason, forKey: .respondedReason)
        try c.encodeNil(forKey: .details)
        try c.encodeNil(forKey: .hiddenDetails)
        try c.encodeNil(forKey: .metadata)
        try c.encode(factorType, forKey: .factorType)
        try c.encode(url, forKey: .url)
        try c.encodeNil(forKey: .links)
        try c.encode(options, forKey: .options)
    }
}
