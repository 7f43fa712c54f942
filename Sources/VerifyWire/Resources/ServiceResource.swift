/// Verify v2 resources as they travel as JSON: snake_case keys, Twilio's dates as strings, and
/// every field of the spec present, `null` included (Twilio sends nulls, it does not omit keys).

/// `verify.v2.service`.
public struct ServiceResource: Codable, Sendable, Equatable {
    public struct Push: Codable, Sendable, Equatable {
        public var includeDate: Bool?
        public var apnCredentialSid: String?
        public var fcmCredentialSid: String?
        public init(includeDate: Bool? = false, apnCredentialSid: String? = nil, fcmCredentialSid: String? = nil) {
            self.includeDate = includeDate
            self.apnCredentialSid = apnCredentialSid
            self.fcmCredentialSid = fcmCredentialSid
        }
        enum CodingKeys: String, CodingKey {
            case includeDate = "include_date"
            case apnCredentialSid = "apn_credential_sid"
            case fcmCredentialSid = "fcm_credential_sid"
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(includeDate, forKey: .includeDate)
            try c.encode(apnCredentialSid, forKey: .apnCredentialSid)
            try c.encode(fcmCredentialSid, forKey: .fcmCredentialSid)
        }
    }

    public struct Totp: Codable, Sendable, Equatable {
        public var issuer: String?
        public var timeStep: Int?
        public var codeLength: Int?
        public var skew: Int?
        public init(issuer: String? = nil, timeStep: Int? = 30, codeLength: Int? = 6, skew: Int? = 1) {
            self.issuer = issuer
            self.timeStep = timeStep
            self.codeLength = codeLength
            self.skew = skew
        }
        enum CodingKeys: String, CodingKey {
            case issuer, skew
            case timeStep = "time_step"
            case codeLength = "code_length"
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(issuer, forKey: .issuer)
            try c.encode(timeStep, forKey: .timeStep)
            try c.encode(codeLength, forKey: .codeLength)
            try c.encode(skew, forKey: .skew)
        }
    }

    public struct Whatsapp: Codable, Sendable, Equatable {
        public var msgServiceSid: String?
        public var from: String?
        public init(msgServiceSid: String? = nil, from: String? = nil) {
            self.msgServiceSid = msgServiceSid
            self.from = from
        }
        enum CodingKeys: String, CodingKey {
            case from
            case msgServiceSid = "msg_service_sid"
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(msgServiceSid, forKey: .msgServiceSid)
            try c.encode(from, forKey: .from)
        }
    }

    public struct Passkeys: Codable, Sendable, Equatable {
        public struct RelyingParty: Codable, Sendable, Equatable {
            public var id: String?
            public var name: String?
            public var origins: [String]?
            public init(id: String? = nil, name: String? = nil, origins: [String]? = nil) {
                self.id = id
                self.name = name
                self.origins = origins
            }
            public func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(id, forKey: .id)
                try c.encode(name, forKey: .name)
                try c.encode(origins, forKey: .origins)
            }
        }
        public var relyingParty: RelyingParty
        public var authenticatorAttachment: String?
        public var discoverableCredentials: String?
        public var userVerification: String?
        public init(
            relyingParty: RelyingParty = RelyingParty(), authenticatorAttachment: String? = nil,
            discoverableCredentials: String? = nil, userVerification: String? = nil
        ) {
            self.relyingParty = relyingParty
            self.authenticatorAttachment = authenticatorAttachment
            self.discoverableCredentials = discoverableCredentials
            self.userVerification = userVerification
        }
        enum CodingKeys: String, CodingKey {
            case relyingParty = "relying_party"
            case authenticatorAttachment = "authenticator_attachment"
            case discoverableCredentials = "discoverable_credentials"
            case userVerification = "user_verification"
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(relyingParty, forKey: .relyingParty)
            try c.encode(authenticatorAttachment, forKey: .authenticatorAttachment)
            try c.encode(discoverableCredentials, forKey: .discoverableCredentials)
            try c.encode(userVerification, forKey: .userVerification)
        }
    }

    public var sid: String
    public var accountSid: String
    public var friendlyName: String
    public var codeLength: Int
    public var lookupEnabled: Bool
    public var psd2Enabled: Bool
    public var skipSmsToLandlines: Bool
    public var dtmfInputRequired: Bool
    public var ttsName: String?
    public var doNotShareWarningEnabled: Bool
    public var customCodeEnabled: Bool
    public var push: Push
    public var totp: Totp
    public var whatsapp: Whatsapp
    public var passkeys: Passkeys
    public var defaultTemplateSid: String?
    public var verifyEventSubscriptionEnabled: Bool
    public var dateCreated: String
    public var dateUpdated: String
    public var url: String
    public var links: [String: String]

    public init(
        sid: String, accountSid: String, friendlyName: String, codeLength: Int = 6, lookupEnabled: Bool = false,
        psd2Enabled: Bool = false, skipSmsToLandlines: Bool = false, dtmfInputRequired: Bool = true,
        ttsName: String? = nil, doNotShareWarningEnabled: Bool = false, customCodeEnabled: Bool = false,
        push: Push = Push(), totp: Totp = Totp(), whatsapp: Whatsapp = Whatsapp(), passkeys: Passkeys = Passkeys(),
        defaultTemplateSid: String? = nil, verifyEventSubscriptionEnabled: Bool = false, dateCreated: String,
        dateUpdated: String, url: String, links: [String: String]
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.friendlyName = friendlyName
        self.codeLength = codeLength
        self.lookupEnabled = lookupEnabled
        self.psd2Enabled = psd2Enabled
        self.skipSmsToLandlines = skipSmsToLandlines
        self.dtmfInputRequired = dtmfInputRequired
        self.ttsName = ttsName
        self.doNotShareWarningEnabled = doNotShareWarningEnabled
        self.customCodeEnabled = customCodeEnabled
        self.push = push
        self.totp = totp
        self.whatsapp = whatsapp
        self.passkeys = passkeys
        self.defaultTemplateSid = defaultTemplateSid
        self.verifyEventSubscriptionEnabled = verifyEventSubscriptionEnabled
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.url = url
        self.links = links
    }

    enum CodingKeys: String, CodingKey {
        case sid, push, totp, whatsapp, passkeys, url, links
        case accountSid = "account_sid"
        case friendlyName = "friendly_name"
        case codeLength = "code_length"
        case lookupEnabled = "lookup_enabled"
        case psd2Enabled = "psd2_enabled"
        case skipSmsToLandlines = "skip_sms_to_landlines"
        case dtmfInputRequired = "dtmf_input_required"
        case ttsName = "tts_name"
        case doNotShareWarningEnabled = "do_not_share_warning_enabled"
        case customCodeEnabled = "custom_code_enabled"
        case defaultTemplateSid = "default_template_sid"
        case verifyEventSubscriptionEnabled = "verify_event_subscription_enabled"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sid, forKey: .sid)
        try c.encode(accountSid, forKey: .accountSid)
        try c.encode(friendlyName, forKey: .friendlyName)
        try c.encode(codeLength, forKey: .codeLength)
        try c.encode(lookupEnabled, forKey: .lookupEnabled)
        try c.encode(psd2Enabled, forKey: .psd2Enabled)
        try c.encode(skipSmsToLandlines, forKey: .skipSmsToLandlines)
        try c.encode(dtmfInputRequired, forKey: .dtmfInputRequired)
        try c.encode(ttsName, forKey: .ttsName)
        try c.encode(doNotShareWarningEnabled, forKey: .doNotShareWarningEnabled)
        try c.encode(customCodeEnabled, forKey: .customCodeEnabled)
        try c.encode(push, forKey: .push)
        try c.encode(totp, forKey: .totp)
        try c.encode(whatsapp, forKey: .whatsapp)
        try c.encode(passkeys, forKey: .passkeys)
        try c.encode(defaultTemplateSid, forKey: .defaultTemplateSid)
        try c.encode(verifyEventSubscriptionEnabled, forKey: .verifyEventSubscriptionEnabled)
        try c.encode(dateCreated, forKey: .dateCreated)
        try c.encode(dateUpdated, forKey: .dateUpdated)
        try c.encode(url, forKey: .url)
        try c.encode(links, forKey: .links)
    }
}
