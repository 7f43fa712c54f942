/// `verify.v2.service.access_token`: a short-lived token a device sends (as Basic `token:<token>`)
/// to create its push factor without the account's credentials.
public struct AccessTokenResource: Codable, Sendable, Equatable {
    public var sid: String
    public var accountSid: String
    public var serviceSid: String
    public var entityIdentity: String
    public var factorType: FactorType
    public var factorFriendlyName: String?
    public var token: String
    public var url: String
    public var ttl: Int
    public var dateCreated: String

    public init(
        sid: String, accountSid: String, serviceSid: String, entityIdentity: String, factorType: FactorType,
        factorFriendlyName: String?, token: String, url: String, ttl: Int, dateCreated: String
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.serviceSid = serviceSid
        self.entityIdentity = entityIdentity
        self.factorType = factorType
        self.factorFriendlyName = factorFriendlyName
        self.token = token
        self.url = url
        self.ttl = ttl
        self.dateCreated = dateCreated
    }

    enum CodingKeys: String, CodingKey {
        case sid, token, url, ttl
        case accountSid = "account_sid"
        case serviceSid = "service_sid"
        case entityIdentity = "entity_identity"
        case factorType = "factor_type"
        case factorFriendlyName = "factor_friendly_name"
        case dateCreated = "date_created"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sid, forKey: .sid)
        try c.encode(accountSid, forKey: .accountSid)
        try c.encode(serviceSid, forKey: .serviceSid)
        try c.encode(entityIdentity, forKey: .entityIdentity)
        try c.encode(factorType, forKey: .factorType)
        try c.encode(factorFriendlyName, forKey: .factorFriendlyName)
        try c.encode(token, forKey: .token)
        try c.encode(url, forKey: .url)
        try c.encode(ttl, forKey: .ttl)
        try c.encode(dateCreated, forKey: .dateCreated)
    }
}
