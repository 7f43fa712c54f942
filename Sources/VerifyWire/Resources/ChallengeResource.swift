/// `verify.v2.service.entity.challenge`: one request to prove a factor, answered by a TOTP code
/// (or, for push, the device's signature).
public struct ChallengeResource: Codable, Sendable, Equatable {
    public var sid: String
    public var accountSid: String
    public var serviceSid: String
    public var entitySid: String
    public var identity: String
    public var factorSid: String
    public var dateCreated: String
    public var dateUpdated: String
    public var dateResponded: String?
    public var expirationDate: String
    public var status: ChallengeStatus
    public var respondedReason: ChallengeReason
    public var details: Details?
    /// The app's JSON object of string values, or null.
    public var hiddenDetails: [String: String]?
    public var metadata: [String: String]?
    public var factorType: FactorType
    public var url: String
    public var links: [String: String]

    /// What the user is shown: a message and labelled fields.
    public struct Details: Codable, Sendable, Equatable {
        public var message: String
        public var fields: [Field]
        /// When the challenge was made; only when the Service has `Push.IncludeDate` (deprecated).
        public var date: String?

        public struct Field: Codable, Sendable, Equatable {
            public var label: String
            public var value: String

            public init(label: String, value: String) {
                self.label = label
                self.value = value
            }
        }

        public init(message: String, fields: [Field], date: String? = nil) {
            self.message = message
            self.fields = fields
            self.date = date
        }

        enum CodingKeys: String, CodingKey {
            case message, fields, date
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(message, forKey: .message)
            try c.encode(fields, forKey: .fields)
            try c.encodeIfPresent(date, forKey: .date)
        }
    }

    public init(
        sid: String, accountSid: String, serviceSid: String, entitySid: String, identity: String, factorSid: String,
        dateCreated: String, dateUpdated: String, dateResponded: String?, expirationDate: String,
        status: ChallengeStatus, respondedReason: ChallengeReason, details: Details?, hiddenDetails: [String: String]?,
        metadata: [String: String]?, factorType: FactorType, url: String, links: [String: String]
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
        self.respondedReason = respondedReason
        self.details = details
        self.hiddenDetails = hiddenDetails
        self.metadata = metadata
        self.factorType = factorType
        self.url = url
        self.links = links
    }

    enum CodingKeys: String, CodingKey {
        case sid, identity, status, details, metadata, url, links
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
        try c.encode(details, forKey: .details)
        try c.encode(hiddenDetails, forKey: .hiddenDetails)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(factorType, forKey: .factorType)
        try c.encode(url, forKey: .url)
        try c.encode(links, forKey: .links)
    }
}
