/// `verify.v2.service.entity.factor`, and with ``binding`` `verify.v2.service.entity.new_factor`:
/// the binding (a TOTP factor's secret and `otpauth://` URI) is returned once, by the create.
public struct FactorResource: Codable, Sendable, Equatable {
    public var sid: String
    public var accountSid: String
    public var serviceSid: String
    public var entitySid: String
    public var identity: String
    /// Only in the create response.
    public var binding: Binding?
    public var dateCreated: String
    public var dateUpdated: String
    public var friendlyName: String
    public var status: FactorStatus
    public var factorType: FactorType
    public var config: Config
    /// The app's own JSON object of string values, or null.
    public var metadata: [String: String]?
    public var url: String
    /// Whether this is the create response (`new_factor`), which also carries `options: null`.
    public var isNew: Bool

    /// A TOTP factor's secret and enrolment URI.
    public struct Binding: Codable, Sendable, Equatable {
        public var secret: String
        public var uri: String

        public init(secret: String, uri: String) {
            self.secret = secret
            self.uri = uri
        }
    }

    /// A TOTP factor's code settings.
    public struct Config: Codable, Sendable, Equatable {
        public var alg: TOTPAlgorithm
        public var skew: Int
        public var codeLength: Int
        public var timeStep: Int

        public init(alg: TOTPAlgorithm, skew: Int, codeLength: Int, timeStep: Int) {
            self.alg = alg
            self.skew = skew
            self.codeLength = codeLength
            self.timeStep = timeStep
        }

        enum CodingKeys: String, CodingKey {
            case alg, skew
            case codeLength = "code_length"
            case timeStep = "time_step"
        }
    }

    public init(
        sid: String, accountSid: String, serviceSid: String, entitySid: String, identity: String, binding: Binding?,
        dateCreated: String, dateUpdated: String, friendlyName: String, status: FactorStatus, factorType: FactorType,
        config: Config, metadata: [String: String]?, url: String, isNew: Bool
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.serviceSid = serviceSid
        self.entitySid = entitySid
        self.identity = identity
        self.binding = binding
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.friendlyName = friendlyName
        self.status = status
        self.factorType = factorType
        self.config = config
        self.metadata = metadata
        self.url = url
        self.isNew = isNew
    }

    enum CodingKeys: String, CodingKey {
        case sid, identity, binding, options, status, config, metadata, url
        case accountSid = "account_sid"
        case serviceSid = "service_sid"
        case entitySid = "entity_sid"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
        case friendlyName = "friendly_name"
        case factorType = "factor_type"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sid = try c.decode(String.self, forKey: .sid)
        accountSid = try c.decode(String.self, forKey: .accountSid)
        serviceSid = try c.decode(String.self, forKey: .serviceSid)
        entitySid = try c.decode(String.self, forKey: .entitySid)
        identity = try c.decode(String.self, forKey: .identity)
        binding = try c.decodeIfPresent(Binding.self, forKey: .binding)
        dateCreated = try c.decode(String.self, forKey: .dateCreated)
        dateUpdated = try c.decode(String.self, forKey: .dateUpdated)
        friendlyName = try c.decode(String.self, forKey: .friendlyName)
        status = try c.decode(FactorStatus.self, forKey: .status)
        factorType = try c.decode(FactorType.self, forKey: .factorType)
        config = try c.decode(Config.self, forKey: .config)
        metadata = try c.decodeIfPresent([String: String].self, forKey: .metadata)
        url = try c.decode(String.self, forKey: .url)
        isNew = c.contains(.binding)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sid, forKey: .sid)
        try c.encode(accountSid, forKey: .accountSid)
        try c.encode(serviceSid, forKey: .serviceSid)
        try c.encode(entitySid, forKey: .entitySid)
        try c.encode(identity, forKey: .identity)
        if isNew {
            try c.encode(binding, forKey: .binding)
            try c.encodeNil(forKey: .options)
        }
        try c.encode(dateCreated, forKey: .dateCreated)
        try c.encode(dateUpdated, forKey: .dateUpdated)
        try c.encode(friendlyName, forKey: .friendlyName)
        try c.encode(status, forKey: .status)
        try c.encode(factorType, forKey: .factorType)
        try c.encode(config, forKey: .config)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(url, forKey: .url)
    }
}
