/// `verify.v2.service.webhook`: where the service's factor and challenge events are POSTed.
public struct WebhookResource: Codable, Sendable, Equatable {
    public var sid: String
    public var serviceSid: String
    public var accountSid: String
    public var friendlyName: String
    public var eventTypes: [String]
    public var status: WebhookStatus
    public var version: WebhookVersion
    public var webhookUrl: String
    public var webhookMethod: String
    public var dateCreated: String
    public var dateUpdated: String
    public var url: String

    public init(
        sid: String, serviceSid: String, accountSid: String, friendlyName: String, eventTypes: [String],
        status: WebhookStatus, version: WebhookVersion, webhookUrl: String, webhookMethod: String,
        dateCreated: String, dateUpdated: String, url: String
    ) {
        self.sid = sid
        self.serviceSid = serviceSid
        self.accountSid = accountSid
        self.friendlyName = friendlyName
        self.eventTypes = eventTypes
        self.status = status
        self.version = version
        self.webhookUrl = webhookUrl
        self.webhookMethod = webhookMethod
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case sid, status, version, url
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case friendlyName = "friendly_name"
        case eventTypes = "event_types"
        case webhookUrl = "webhook_url"
        case webhookMethod = "webhook_method"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
    }
}

/// Whether a webhook is called (`webhook_enum_status`).
public enum WebhookStatus: String, Codable, Sendable, CaseIterable {
    case enabled, disabled
}

/// The shape of a webhook's events (`webhook_enum_version`).
public enum WebhookVersion: String, Codable, Sendable, CaseIterable {
    case v1, v2
}

/// The events a webhook may subscribe to; `*` is all of them.
public enum WebhookEvent: String, Codable, Sendable, CaseIterable {
    case factorCreated = "factor.created"
    case factorVerified = "factor.verified"
    case factorDeleted = "factor.deleted"
    case challengeApproved = "challenge.approved"
    case challengeDenied = "challenge.denied"
}
