/// `verify.v2.service.entity.factor`, and with ``binding`` `verify.v2.service.entity.new_factor`:
/// the binding (a TOTP factor's secret and `otpauth://` URI, a push factor's public key) is
/// returned once, by the create.
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
    /// Whether this is the create response (`new_factor`), which also carries `options`.
    public var isNew: Bool
    /// A new passkeys factor's WebAuthn creation options; null for other types.
    public var options: PublicKeyOptions<PasskeyCreationOptions>?

    /// What the create response binds the factor to.
    public enum Binding: Codable, Sendable, Equatable {
        /// A TOTP factor's base32 secret and its enrolment URI.
        case totp(secret: String, uri: String)
        /// A push factor's public key (PKIX DER, base64) and its algorithm (`ES256`).
        case push(alg: String, publicKey: String)

        /// The TOTP secret, for a TOTP binding.
        public var secret: String? {
            if case .totp(let secret, _) = self { secret } else { nil }
        }

        /// The `otpauth://` URI, for a TOTP binding.
        public var uri: String? {
            if case .totp(_, let uri) = self { uri } else { nil }
        }

        enum CodingKeys: String, CodingKey {
            case secret, uri, alg
            case publicKey = "public_key"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let secret = try c.decodeIfPresent(String.self, forKey: .secret) {
                self = .totp(secret: secret, uri: try c.decode(String.self, forKey: .uri))
            } else {
                self = .push(
                    alg: try c.decode(String.self, forKey: .alg),
                    publicKey: try c.decode(String.self, forKey: .publicKey))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .totp(let secret, let uri):
                try c.encode(secret, forKey: .secret)
                try c.encode(uri, forKey: .uri)
            case .push(let alg, let publicKey):
                try c.encode(alg, forKey: .alg)
                try c.encode(publicKey, forKey: .publicKey)
            }
        }
    }

    /// The settings of a factor, by its type.
    public enum Config: Sendable, Equatable {
        case totp(TOTPConfig)
        case push(PushConfig)
        case passkeys(PasskeysConfig)

        /// The TOTP settings, for a TOTP factor.
        public var totp: TOTPConfig? {
            if case .totp(let config) = self { config } else { nil }
        }

        /// The device settings, for a push factor.
        public var push: PushConfig? {
            if case .push(let config) = self { config } else { nil }
        }

        /// The relying party settings, for a passkeys factor.
        public var passkeys: PasskeysConfig? {
            if case .passkeys(let config) = self { config } else { nil }
        }
    }

    /// A TOTP factor's code settings.
    public struct TOTPConfig: Codable, Sendable, Equatable {
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

    /// A push factor's device: the SDK that made it, the app, where notifications go, and the
    /// credential SID the device's JWTs name as their `kid`.
    public struct PushConfig: Codable, Sendable, Equatable {
        public var sdkVersion: String?
        public var appId: String?
        public var notificationPlatform: NotificationPlatform
        public var notificationToken: String?
        public var credentialSid: String

        public init(
            sdkVersion: String?, appId: String?, notificationPlatform: NotificationPlatform,
            notificationToken: String?, credentialSid: String
        ) {
            self.sdkVersion = sdkVersion
            self.appId = appId
            self.notificationPlatform = notificationPlatform
            self.notificationToken = notificationToken
            self.credentialSid = credentialSid
        }

        enum CodingKeys: String, CodingKey {
            case sdkVersion = "sdk_version"
            case appId = "app_id"
            case notificationPlatform = "notification_platform"
            case notificationToken = "notification_token"
            case credentialSid = "credential_sid"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(sdkVersion, forKey: .sdkVersion)
            try c.encode(appId, forKey: .appId)
            try c.encode(notificationPlatform, forKey: .notificationPlatform)
            try c.encode(notificationToken, forKey: .notificationToken)
            try c.encode(credentialSid, forKey: .credentialSid)
        }
    }

    public init(
        sid: String, accountSid: String, serviceSid: String, entitySid: String, identity: String, binding: Binding?,
        dateCreated: String, dateUpdated: String, friendlyName: String, status: FactorStatus, factorType: FactorType,
        config: Config, metadata: [String: String]?, url: String, isNew: Bool,
        options: PublicKeyOptions<PasskeyCreationOptions>? = nil
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
        self.options = options
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
        switch factorType {
        case .push: config = .push(try c.decode(PushConfig.self, forKey: .config))
        case .totp: config = .totp(try c.decode(TOTPConfig.self, forKey: .config))
        case .passkeys: config = .passkeys(try c.decode(PasskeysConfig.self, forKey: .config))
        }
        metadata = try c.decodeIfPresent([String: String].self, forKey: .metadata)
        url = try c.decode(String.self, forKey: .url)
        isNew = c.contains(.binding)
        options = try c.decodeIfPresent(PublicKeyOptions<PasskeyCreationOptions>.self, forKey: .options)
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
            try c.encode(options, forKey: .options)
        }
        try c.encode(dateCreated, forKey: .dateCreated)
        try c.encode(dateUpdated, forKey: .dateUpdated)
        try c.encode(friendlyName, forKey: .friendlyName)
        try c.encode(status, forKey: .status)
        try c.encode(factorType, forKey: .factorType)
        switch config {
        case .totp(let totp): try c.encode(totp, forKey: .config)
        case .push(let push): try c.encode(push, forKey: .config)
        case .passkeys(let passkeys): try c.encode(passkeys, forKey: .config)
        }
        try c.encode(metadata, forKey: .metadata)
        try c.encode(url, forKey: .url)
    }
}
