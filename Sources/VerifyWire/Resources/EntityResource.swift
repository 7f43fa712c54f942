/// `verify.v2.service.entity`: the owner of factors, named by the app's own identity.
public struct EntityResource: Codable, Sendable, Equatable {
    public var sid: String
    public var identity: String
    public var accountSid: String
    public var serviceSid: String
    public var dateCreated: String
    public var dateUpdated: String
    public var url: String
    public var links: [String: String]

    public init(
        sid: String, identity: String, accountSid: String, serviceSid: String, dateCreated: String,
        dateUpdated: String, url: String, links: [String: String]
    ) {
        self.sid = sid
        self.identity = identity
        self.accountSid = accountSid
        self.serviceSid = serviceSid
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.url = url
        self.links = links
    }

    enum CodingKeys: String, CodingKey {
        case sid, identity, url, links
        case accountSid = "account_sid"
        case serviceSid = "service_sid"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
    }
}
