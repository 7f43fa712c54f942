/// `verify.v2.service.messaging_configuration`: the Messaging Service a Verify service sends
/// SMS through for one country (or `all`).
public struct MessagingConfigurationResource: Codable, Sendable, Equatable {
    public var accountSid: String
    public var serviceSid: String
    /// ISO 3166-1 alpha-2, or `all`.
    public var country: String
    public var messagingServiceSid: String
    public var dateCreated: String
    public var dateUpdated: String
    public var url: String

    public init(
        accountSid: String, serviceSid: String, country: String, messagingServiceSid: String, dateCreated: String,
        dateUpdated: String, url: String
    ) {
        self.accountSid = accountSid
        self.serviceSid = serviceSid
        self.country = country
        self.messagingServiceSid = messagingServiceSid
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case country, url
        case accountSid = "account_sid"
        case serviceSid = "service_sid"
        case messagingServiceSid = "messaging_service_sid"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
    }
}
