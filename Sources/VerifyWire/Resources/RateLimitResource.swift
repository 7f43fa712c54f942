/// `verify.v2.service.rate_limit`.
public struct RateLimitResource: Codable, Sendable, Equatable {
    public var sid: String
    public var serviceSid: String
    public var accountSid: String
    public var uniqueName: String
    public var description: String?
    public var dateCreated: String
    public var dateUpdated: String
    public var url: String
    public var links: [String: String]

    public init(
        sid: String, serviceSid: String, accountSid: String, uniqueName: String, description: String?,
        dateCreated: String, dateUpdated: String, url: String, links: [String: String]
    ) {
        self.sid = sid
        self.serviceSid = serviceSid
        self.accountSid = accountSid
        self.uniqueName = uniqueName
        self.description = description
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.url = url
        self.links = links
    }

    enum CodingKeys: String, CodingKey {
        case sid, description, url, links
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case uniqueName = "unique_name"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sid, forKey: .sid)
        try c.encode(serviceSid, forKey: .serviceSid)
        try c.encode(accountSid, forKey: .accountSid)
        try c.encode(uniqueName, forKey: .uniqueName)
        try c.encode(description, forKey: .description)
        try c.encode(dateCreated, forKey: .dateCreated)
        try c.encode(dateUpdated, forKey: .dateUpdated)
        try c.encode(url, forKey: .url)
        try c.encode(links, forKey: .links)
    }
}
