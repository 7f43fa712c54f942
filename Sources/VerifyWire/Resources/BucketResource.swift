/// `verify.v2.service.rate_limit.bucket`.
public struct BucketResource: Codable, Sendable, Equatable {
    public var sid: String
    public var rateLimitSid: String
    public var serviceSid: String
    public var accountSid: String
    public var max: Int
    public var interval: Int
    public var dateCreated: String
    public var dateUpdated: String
    public var url: String

    public init(
        sid: String, rateLimitSid: String, serviceSid: String, accountSid: String, max: Int, interval: Int,
        dateCreated: String, dateUpdated: String, url: String
    ) {
        self.sid = sid
        self.rateLimitSid = rateLimitSid
        self.serviceSid = serviceSid
        self.accountSid = accountSid
        self.max = max
        self.interval = interval
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case sid, max, interval, url
        case rateLimitSid = "rate_limit_sid"
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
    }
}
