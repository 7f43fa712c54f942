import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything the emulator needs to start. The executable fills it from flags and environment
/// variables; tests build one directly and call ``buildApplication(configuration:)``.
///
/// ```swift
/// var configuration = EmulatorConfiguration()
/// configuration.databasePath = ":memory:"
/// configuration.port = 0   // any free port
/// let app = try await buildApplication(configuration: configuration)
/// ```
public struct EmulatorConfiguration: Sendable {
    /// Address to bind; loopback by default so nothing is exposed by accident.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free port.
    public var port: Int = 4010
    /// SQLite file holding all state, or `:memory:` for a throwaway run.
    public var databasePath: String = "verify-emulator.sqlite"
    /// Base URL written into `url`, `links` and paging URLs (for use behind a proxy).
    /// When nil, each response uses the request's `Host` header.
    public var publicURL: String?
    /// Accounts the emulator accepts. When empty (and no fixtures name any), the emulator
    /// starts with ``Account/default``.
    public var accounts: [Account] = []
    /// Services to create at start if they do not exist yet (from fixtures).
    public var services: [ServiceFixture] = []
    /// Deterministic codes to set at start (from fixtures or `--fixed-code`).
    public var fixedCodes: [FixedCode] = []
    /// An `http://` URL to POST every delivered message to, as JSON (optional). See
    /// ``deliveryWebhookProblem(_:)``; ``buildApplication(configuration:logger:onServerRunning:)``
    /// refuses a URL it names a problem with.
    public var deliveryWebhook: String?
    /// Fault injection rules active from start (from fixtures).
    public var faults: [FaultRule] = []
    /// How long a code stays valid after its verification starts (Twilio: 10 minutes).
    public var codeExpiry: Duration = .seconds(600)
    /// Sends to one `To` on one service allowed per ``sendWindow`` (Twilio: 5); 0 turns the
    /// limit off (for load tests).
    public var maxSendAttempts: Int = 5
    /// The window in which ``maxSendAttempts`` applies (Twilio: 10 minutes).
    public var sendWindow: Duration = .seconds(600)
    /// Checks allowed per verification before it is finished (Twilio: 5); 0 turns it off.
    public var maxCheckAttempts: Int = 5
    /// Largest request body accepted; larger ones get 413.
    public var maxBodySize: Int = 64 * 1024
    /// Log a console line for every message "sent" (the emulator's job); off for benchmarks.
    public var logMessages: Bool = true
    /// The clock driving expiry and limit windows.
    public var clock: EmulatorClock = EmulatorClock()

    /// Why `url` cannot be the delivery webhook (not an `http://` URL with a host), or nil.
    public static func deliveryWebhookProblem(_ url: String) -> String? {
        DeliveryHook.problem(with: url)
    }

    public init() {}

    /// Accounts in effect: the configured ones, or the default account when none are given.
    public var effectiveAccounts: [Account] {
        accounts.isEmpty ? [Account.default] : accounts
    }

    /// Services in effect: the configured ones, or the default service when running on the
    /// default account, so a bare `verify-emulator` is usable at once.
    public var effectiveServices: [ServiceFixture] {
        accounts.isEmpty && services.isEmpty ? [ServiceFixture.default] : services
    }
}

/// An account the emulator accepts, with its auth token and any API keys.
public struct Account: Sendable, Equatable, Codable {
    public struct APIKey: Sendable, Equatable, Codable {
        public var sid: SID
        public var secret: String
        public init(sid: SID, secret: String) {
            self.sid = sid
            self.secret = secret
        }
    }

    public var sid: SID
    public var authToken: String
    public var friendlyName: String
    public var apiKeys: [APIKey]

    public init(sid: SID, authToken: String, friendlyName: String = "Emulator account", apiKeys: [APIKey] = []) {
        self.sid = sid
        self.authToken = authToken
        self.friendlyName = friendlyName
        self.apiKeys = apiKeys
    }

    enum CodingKeys: String, CodingKey {
        case sid
        case authToken = "auth_token"
        case friendlyName = "friendly_name"
        case apiKeys = "api_keys"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sid = try c.decode(SID.self, forKey: .sid)
        authToken = try c.decode(String.self, forKey: .authToken)
        friendlyName = try c.decodeIfPresent(String.self, forKey: .friendlyName) ?? "Emulator account"
        apiKeys = try c.decodeIfPresent([APIKey].self, forKey: .apiKeys) ?? []
    }

    /// The documented account a bare `verify-emulator` accepts:
    /// `AC00000000000000000000000000000000` with auth token `emulator-auth-token`.
    public static let `default` = Account(
        sid: SID(unchecked: "AC00000000000000000000000000000000"),
        authToken: "emulator-auth-token",
        friendlyName: "Default emulator account"
    )
}

/// A service to exist from start-up, identified by a fixed SID so scripts can name it.
public struct ServiceFixture: Sendable, Equatable, Codable {
    public var sid: SID
    public var accountSid: SID
    public var friendlyName: String
    public var codeLength: Int
    public var customCodeEnabled: Bool
    /// Programmable Rate Limits to create with the service.
    public var rateLimits: [RateLimitFixture]

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
        case sid
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
    }

    /// `VA00000000000000000000000000000000`, "Verify Emulator", on the default account.
    public static let `default` = ServiceFixture(
        sid: SID(unchecked: "VA00000000000000000000000000000000"),
        accountSid: Account.default.sid,
        friendlyName: "Verify Emulator"
    )
}
