/// `verify.v2.service.entity.challenge.notification`: a push notification sent again for a
/// pending challenge (Twilio keeps trying for `ttl` seconds; 0 means once).
public struct NotificationResource: Codable, Sendable, Equatable {
    public var sid: String
    public var accountSid: String
    public var serviceSid: String
    public var entitySid: String
    public var identity: String
    public var challengeSid: String
    /// Always `high` for push challenges.
    public var priority: String
    public var ttl: Int
    public var dateCreated: String

    public init(
        sid: String, accountSid: String, serviceSid: String, entitySid: String, identity: String, challengeSid: String,
        priority: String, ttl: Int, dateCreated: String
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.serviceSid = serviceSid
        self.entitySid = entitySid
        self.identity = identity
        self.challengeSid = challengeSid
        self.priority = priority
        self.ttl = ttl
        self.dateCreated = dateCreated
    }

    enum CodingKeys: String, CodingKey {
        case sid, identity, priority, ttl
        case accountSid = "account_sid"
        case serviceSid = "service_sid"
        case entitySid = "entity_sid"
        case challengeSid = "challenge_sid"
        case dateCreated = "date_created"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sid, forKey: .sid)
        try c.encode(accountSid, forKey: .accountSid)
        try c.encode(serviceSid, forKey: .serviceSid)
        try c.encode(entitySid, forKey: .entitySid)
        try c.encode(identity, forKey: .identity)
        try c.encode(challengeSid, forKey: .challengeSid)
        try c.encode(priority, forKey: .priority)
        try c.encode(ttl, forKey: .ttl)
        try c.encode(dateCreated, forKey: .dateCreated)
    }
}
