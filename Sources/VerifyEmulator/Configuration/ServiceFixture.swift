import VerifyWire

/// A service to exist from start-up, identified by a fixed SID so scripts can name it.
public struct ServiceFixture: Sendable, Equatable, Codable {
    public var sid: SID
    public var accountSid: SID
    public var friendlyName: String
    public var codeLength: Int
    public var customCodeEnabled: Bool
    /// Programmable Rate Limits to create with the service.
    public var rateLimits: [RateLimitFixture]
    /// Entities with TOTP factors of known secrets (created when missing, on every start).
    public var entities: [EntityFixture] = []

    /// A rate limit with its buckets.
    public struct RateLimitFixture: Codable, Sendable, Equatable {
        public var uniqueName: String
        public var description: String?
        public var buckets: [BucketFixture]

        public struct BucketFixture: Codable, Sendable, Equatable {
            public var max: Int
            public var interval: Int
            public init(max: Int, interval: Int) {
                self.max = max
                self.interval = interval
            }
        }

        public init(uniqueName: String, description: String? = nil, buckets: [BucketFixture] = []) {
            self.uniqueName = uniqueName
            self.description = description
            self.buckets = buckets
        }

        enum CodingKeys: String, CodingKey {
            case description, buckets
            case uniqueName = "unique_name"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            uniqueName = try c.decode(String.self, forKey: .uniqueName)
            description = try c.decodeIfPresent(String.self, forKey: .description)
            buckets = try c.decodeIfPresent([BucketFixture].self, forKey: .buckets) ?? []
        }
    }

    public init(
        sid: SID, accountSid: SID, friendlyName: String, codeLength: Int = 6, customCodeEnabled: Bool = false,
        rateLimits: [RateLimitFixture] = []
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.friendlyName = friendlyName
        self.codeLength = codeLength
        self.customCodeEnabled = customCodeEnabled
        self.rateLimits = rateLimits
    }

    enum CodingKeys: String, CodingKey {
        case sid, entities
        case rateLimits = "rate_limits"
        case accountSid = "account_sid"
        case friendlyName = "friendly_name"
        case codeLength = "code_length"
        case customCodeEnabled = "custom_code_enabled"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sid = try c.decode(SID.self, forKey: .sid)
        accountSid = try c.decode(SID.self, forKey: .accountSid)
        friendlyName = try c.decode(String.self, forKey: .friendlyName)
        codeLength = try c.decodeIfPresent(Int.self, forKey: .codeLength) ?? 6
        customCodeEnabled = try c.decodeIfPresent(Bool.self, forKey: .customCodeEnabled) ?? false
        rateLimits = try c.decodeIfPresent([RateLimitFixture].self, forKey: .rateLimits) ?? []
        entities = try c.decodeIfPresent([EntityFixture].self, forKey: .entities) ?? []
    }

    /// `VA00000000000000000000000000000000`, "Verify Emulator", on the default account.
    public static let `default` = ServiceFixture(
        sid: SID(unchecked: "VA00000000000000000000000000000000"),
        accountSid: TwilioAccount.default.sid,
        friendlyName: "Verify Emulator"
    )
}
