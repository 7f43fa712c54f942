import HTTPServerGuards
import VerifyWire

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
    /// TLS port serving the same application with a `*.twilio.com` certificate, for setups that
    /// alias `verify.twilio.com` to the emulator (a hosts line, a compose alias); nil: none.
    public var tlsPort: Int?
    /// The folder keeping the local CA between starts (``LocalCAFolder``). When nil the CA that
    /// the proxy and the TLS listener use is made in memory on first use.
    public var dataDirectory: String?
    /// Whether ``dataDirectory`` is the default one rather than one asked for: a default folder
    /// that cannot be written only turns the saved CA off (a warning), one asked for stops start-up.
    public var dataDirectoryIsDefault = false
    /// SQLite file holding all state, or `:memory:` for a throwaway run.
    public var databasePath: String = "verify-emulator.sqlite"
    /// Base URL written into `url`, `links` and paging URLs (for use behind a proxy).
    /// When nil, each response uses the request's `Host` header.
    public var publicURL: String?
    /// `Host` names answered besides loopback names and IP addresses (``AllowedHosts``); the
    /// host of ``publicURL`` is always one.
    public var allowedHosts = AllowedHosts()
    /// Accounts the emulator accepts. When empty (and no fixtures name any), the emulator
    /// starts with ``TwilioAccount/default``.
    public var accounts: [TwilioAccount] = []
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
    /// How long a connection may stay silent (before its first request head is complete, or
    /// between requests) before the emulator closes it.
    public var idleTimeout: Duration = .seconds(60)
    /// Open connections at most; at the limit new clients wait until one closes. Default: the
    /// process's file limit less 128, at most 4,096.
    public var maxConnections: Int = ConnectionCap.defaultLimit
    /// How long finished verifications, "sent" messages and rate-limit hits are kept, in
    /// emulator time, before a background task deletes them (``RetentionPruner``); nil keeps
    /// everything. Never shorter in effect than ``codeExpiry`` and ``sendWindow``, so nothing
    /// live is pruned.
    public var retention: Duration? = .seconds(86_400)
    /// A snapshot or downloaded database (`GET /emulator/v1/database`) to start from: it replaces
    /// what ``databasePath`` holds, and its clock and fault rules are restored (`--import`).
    public var importPath: String?
    /// The pause between two pruning passes (short in tests).
    var pruneInterval: Duration = .seconds(10)
    /// The pauses before a webhook delivery is tried again (short in tests).
    var webhookRetryDelays: [Duration] = [.milliseconds(500), .seconds(2)]
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
    public var effectiveAccounts: [TwilioAccount] {
        accounts.isEmpty ? [TwilioAccount.default] : accounts
    }

    /// Services in effect: the configured ones, or the default service when running on the
    /// default account, so a bare `verify-emulator` is usable at once.
    public var effectiveServices: [ServiceFixture] {
        accounts.isEmpty && services.isEmpty ? [ServiceFixture.default] : services
    }
}

extension EmulatorConfiguration {
    /// ``allowedHosts`` with the host of ``publicURL``: the emulator answers the name it writes
    /// into its own URLs.
    var effectiveAllowedHosts: AllowedHosts {
        guard let publicURL, let schemeEnd = publicURL.firstRange(of: "://") else { return allowedHosts }
        let authority = publicURL[schemeEnd.upperBound...].prefix { $0 != "/" }
        return AllowedHosts(allowedHosts.names + [AllowedHosts.name(of: String(authority))])
    }
}
