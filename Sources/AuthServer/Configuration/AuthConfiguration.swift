import HTTPServerGuards
import Logging
import ServerOperations
import VerifyClient
import VerifyWire

/// Everything the auth server needs, read from environment variables (and a `.env` file).
///
/// With none of `TWILIO_ACCOUNT_SID`, `TWILIO_API_KEY` and `SECRET_KEY` set, the server starts
/// in development mode: it talks to a local verify-emulator with its default account, creates
/// its own Verify service there, and signs with a random key made at start.
public struct AuthConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8000
    public var verify: VerifyClient.Configuration
    /// nil in development mode, where the server creates its service.
    public var verifyServiceSid: String?
    /// The HS256 signing key, at least 32 bytes.
    public var secretKey: [UInt8]
    /// HS256 (with ``secretKey``), or ES256 / EdDSA with ``signingKeys``.
    public var signingAlgorithm: SigningAlgorithm = .hs256
    /// The asymmetric keys, for ES256 and EdDSA (published at `/.well-known/jwks.json`).
    public var signingKeys: SigningKeySet?
    public var accessTokenLifetime: Duration = .seconds(86_400)
    public var refreshTokenLifetime: Duration = .seconds(30 * 86_400)
    /// SQLite file for refresh tokens and revocations, or `:memory:`.
    public var databasePath = "auth-server.sqlite"
    /// PostgreSQL instead of SQLite (`DATABASE_URL`), shared by every replica.
    public var databaseURL: PostgresURL?
    /// The most PostgreSQL connections this process opens (`DATABASE_POOL_SIZE`, default 10).
    public var databasePoolSize = 10
    /// How long a PostgreSQL connection may sit unused before it runs `SELECT 1`
    /// (`DATABASE_KEEPALIVE` seconds, default off), for networks that drop idle connections
    /// (NAT gateways, load balancers with idle timeouts). Off by default: postgres-nio arms a
    /// timer each time a connection goes back to the pool, about 5 % of the login throughput.
    public var databaseKeepAlive: Duration?
    /// How long start-up waits for PostgreSQL to accept connections (`DATABASE_WAIT` seconds,
    /// default 10), for a database that starts beside the server.
    public var databaseWait: Duration = .seconds(10)
    /// The longest one PostgreSQL call may take before the request is answered 503
    /// (`DATABASE_TIMEOUT` seconds, default 5).
    public var databaseTimeout: Duration = .seconds(5)
    public var issuer: String?
    public var audience: String?
    public var developmentMode = false
    /// Codes sent per phone number, and per client IP, per ``limitWindow``.
    public var sendLimitPerPhone = 5
    public var sendLimitPerIP = 20
    /// Code checks per phone number, and per client IP, per ``limitWindow``.
    public var verifyLimitPerPhone = 10
    public var verifyLimitPerIP = 50
    public var limitWindow: Duration = .seconds(600)
    /// Password logins per login name, and per client IP, per ``limitWindow``.
    public var loginLimitPerAccount = 10
    public var loginLimitPerIP = 50
    /// Registrations per client IP per ``limitWindow``: each costs a bcrypt hash.
    public var registerLimitPerIP = 10
    /// The SMS abuse gate: countries served, caps per prefix and for the service, the breaker.
    public var smsGate = SMSGateSettings()
    /// bcrypt's cost (log2 rounds) for new password hashes; 12 takes ~0.25 s per hash here.
    public var bcryptCost = 12
    /// The session cookie's `Secure` attribute: on unless turned off for plain-HTTP development
    /// (off by default in development mode).
    public var cookieSecure = true
    /// How long a connection may stay silent (before its first request head is complete, or
    /// between requests) before it is closed: the server faces the internet, and idle or
    /// slowloris sockets would otherwise hold file descriptors for ever (`IDLE_TIMEOUT`, seconds).
    public var idleTimeout: Duration = .seconds(30)
    /// Open connections at most (`MAX_CONNECTIONS`, 1 to 100,000); at the limit new clients wait
    /// until one closes. Default: the process's file limit less 128, at most 4,096.
    public var maxConnections: Int = ConnectionCap.defaultLimit
    /// Log lines as `text` (the default) or `json`, one object per line (`LOG_FORMAT`).
    public var logFormat: LogFormat = .text
    /// The lowest level logged (`LOG_LEVEL`: trace, debug, info, notice, warning, error, critical).
    /// At `debug` every request is logged with its route, status and duration.
    public var logLevel: Logger.Level = .info
    /// How long a web session lives without use.
    public var sessionLifetime: Duration = .seconds(12 * 3600)
    /// How many proxies in front of the server append the client's address to
    /// `X-Forwarded-For` (`TRUST_PROXY`, 0 to 10; 0: the connection's peer is the client). The
    /// client IP is the entry that many places from the right: the one the outermost trusted
    /// proxy wrote. Entries further left were written by the client and prove nothing.
    public var trustedProxies = 0
    /// Pass the client IP to Twilio Verify as this `RateLimits` key, so Twilio enforces too.
    public var twilioRateLimitKey: String?
    /// Logins may ask the user's phone for approval (Verify Push), for apps that ship the Verify
    /// Push SDK (`PUSH_LOGIN=1`).
    public var pushLogin = false
    /// Where passkeys are bound (`PASSKEYS_RP_ID`, `PASSKEYS_RP_NAME`, `PASSKEYS_ORIGINS`); nil:
    /// passkeys are off. Development mode defaults to `localhost` and `http://localhost:PORT`,
    /// and sets it on its Verify service; in production the Verify service is set up to match.
    public var passkeysRelyingParty: PasskeysConfig.RelyingParty?
    /// The admin API's bearer credential (`ADMIN_TOKEN`, at least 32 characters); nil: the
    /// admin API answers 404.
    public var adminToken: String?
    /// How long audit events are kept (`AUDIT_RETENTION_DAYS`, default 90).
    public var auditRetention: Duration = .seconds(90 * 86_400)
    /// Where security events are posted (`WEBHOOK_URL`, `WEBHOOK_SECRET`, `WEBHOOK_EVENTS`).
    public var webhook: WebhookSettings?
    /// The OpenID Connect provider (`ISSUER`, `OAUTH_CLIENTS_FILE`); nil: off.
    public var openID: OpenIDSettings?

    public init(verify: VerifyClient.Configuration, verifyServiceSid: String?, secretKey: [UInt8]) {
        self.verify = verify
        self.verifyServiceSid = verifyServiceSid
        self.secretKey = secretKey
    }

    /// A setting that stops start-up: the message names it and says what is wrong.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var setting: String
        public var problem: String
        public var description: String { "\(setting): \(problem)" }
    }

    /// Every environment variable the server reads (the executable copies these from the
    /// environment and `.env`).
    public static let settingNames =
        [
            "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET",
            "TWILIO_VERIFY_SERVICE_SID",
            "TWILIO_VERIFY_BASE_URL", "TWILIO_TIMEOUT", "TWILIO_RATE_LIMIT_KEY", "SECRET_KEY", "JWT_ALGORITHM",
            "JWT_KEYS_DIR",
            "ACCESS_TOKEN_LIFETIME", "REFRESH_TOKEN_LIFETIME", "JWT_ISSUER", "JWT_AUDIENCE", "DATABASE_PATH", "HOST",
            "PORT", "IDLE_TIMEOUT", "MAX_CONNECTIONS",
            "AUTH_SERVER_DEVELOPMENT", "SEND_LIMIT_PER_PHONE", "SEND_LIMIT_PER_IP", "VERIFY_LIMIT_PER_PHONE",
            "VERIFY_LIMIT_PER_IP", "LIMIT_WINDOW", "TRUST_PROXY", "LOGIN_LIMIT_PER_ACCOUNT", "LOGIN_LIMIT_PER_IP",
            "REGISTER_LIMIT_PER_IP", "BCRYPT_COST", "COOKIE_SECURE", "SESSION_LIFETIME", "PUSH_LOGIN",
            "PASSKEYS_RP_ID", "PASSKEYS_RP_NAME", "PASSKEYS_ORIGINS", "DATABASE_URL", "DATABASE_POOL_SIZE",
            "DATABASE_WAIT", "DATABASE_TIMEOUT", "DATABASE_KEEPALIVE", "LOG_FORMAT", "LOG_LEVEL",
            "ADMIN_TOKEN", "AUDIT_RETENTION_DAYS",
        ] + SMSGateSettings.settingNames + WebhookSettings.settingNames + OpenIDSettings.settingNames

    /// The port `PORT` names (8000 when unset), as the server would read it: for `healthcheck`,
    /// which needs nothing else. Port 0 (a free port) cannot be asked and is an error.
    public static func listenPort(_ environment: [String: String]) throws(Invalid) -> Int {
        let text = environment["PORT"]?.trimmingWhitespace()
        return try number(text.flatMap { $0.isEmpty ? nil : String($0) }, "PORT", default: 8000, range: 1...65535)
    }

    /// Reads the configuration; the first missing or invalid setting is the error.
    public static func fromEnvironment(_ environment: [String: String]) throws(Invalid) -> AuthConfiguration {
        func value(_ name: String) -> String? {
            assert(settingNames.contains(name), "\(name) must be listed in AuthConfiguration.settingNames")
            guard let value = environment[name]?.trimmingWhitespace(), !value.isEmpty else { return nil }
            return String(value)
        }
        let development =
            value("AUTH_SERVER_DEVELOPMENT") == "1"
            || (value("TWILIO_ACCOUNT_SID") == nil && value("TWILIO_API_KEY") == nil && value("SECRET_KEY") == nil)

        let timeoutSeconds = try number(value("TWILIO_TIMEOUT"), "TWILIO_TIMEOUT", default: 10, range: 1...120)
        var configuration: AuthConfiguration
        if development {
            var secret = [UInt8](repeating: 0, count: 32)
            var generator = SystemRandomNumberGenerator()
            for index in secret.indices { secret[index] = generator.next() }
            configuration = AuthConfiguration(
                verify: .init(
                    baseURL: value("TWILIO_VERIFY_BASE_URL") ?? "http://127.0.0.1:4010",
                    credentials: .authToken(
                        accountSid: value("TWILIO_ACCOUNT_SID") ?? "AC00000000000000000000000000000000",
                        authToken: value("TWILIO_AUTH_TOKEN") ?? "emulator-auth-token"),
                    timeout: .seconds(timeoutSeconds)),
                verifyServiceSid: value("TWILIO_VERIFY_SERVICE_SID"), secretKey: secret)
            configuration.developmentMode = true
            if let key = value("SECRET_KEY") { configuration.secretKey = try checkedSecret(key) }
        } else {
            let credentials: VerifyClient.Credentials
            if let key = value("TWILIO_API_KEY") {
                guard key.hasPrefix("SK"), key.count == 34 else {
                    throw Invalid(setting: "TWILIO_API_KEY", problem: "must be SK followed by 32 hex digits")
                }
                guard let secret = value("TWILIO_API_SECRET") else {
                    throw Invalid(setting: "TWILIO_API_SECRET", problem: "is required with TWILIO_API_KEY")
                }
                credentials = .apiKey(sid: key, secret: secret)
            } else {
                guard let sid = value("TWILIO_ACCOUNT_SID") else {
                    throw Invalid(setting: "TWILIO_ACCOUNT_SID", problem: "is required (or TWILIO_API_KEY)")
                }
                guard sid.hasPrefix("AC"), sid.count == 34 else {
                    throw Invalid(setting: "TWILIO_ACCOUNT_SID", problem: "must be AC followed by 32 hex digits")
                }
                guard let token = value("TWILIO_AUTH_TOKEN") else {
                    throw Invalid(setting: "TWILIO_AUTH_TOKEN", problem: "is required with TWILIO_ACCOUNT_SID")
                }
                credentials = .authToken(accountSid: sid, authToken: token)
            }
            guard let service = value("TWILIO_VERIFY_SERVICE_SID") else {
                throw Invalid(setting: "TWILIO_VERIFY_SERVICE_SID", problem: "is required")
            }
            guard service.hasPrefix("VA"), service.count == 34 else {
                throw Invalid(setting: "TWILIO_VERIFY_SERVICE_SID", problem: "must be VA followed by 32 hex digits")
            }
            let algorithmName = value("JWT_ALGORITHM") ?? "HS256"
            let secret = value("SECRET_KEY")
            guard secret != nil || algorithmName != "HS256" else {
                throw Invalid(setting: "SECRET_KEY", problem: "is required (at least 32 random bytes)")
            }
            let baseURL = value("TWILIO_VERIFY_BASE_URL") ?? "https://verify.twilio.com"
            guard baseURL.hasPrefix("https://") || baseURL.hasPrefix("http://") else {
                throw Invalid(setting: "TWILIO_VERIFY_BASE_URL", problem: "must be an http:// or https:// URL")
            }
            configuration = AuthConfiguration(
                verify: .init(baseURL: baseURL, credentials: credentials, timeout: .seconds(timeoutSeconds)),
                verifyServiceSid: service,
                secretKey: try secret.map { secret throws(Invalid) in try checkedSecret(secret) } ?? [])
        }
        if let name = value("JWT_ALGORITHM") {
            guard let algorithm = SigningAlgorithm(rawValue: name), algorithm != .rs256 else {
                throw Invalid(setting: "JWT_ALGORITHM", problem: "must be HS256, ES256 or EdDSA")
            }
            configuration.signingAlgorithm = algorithm
            if algorithm != .hs256 {
                guard let directory = value("JWT_KEYS_DIR") else {
                    throw Invalid(
                        setting: "JWT_KEYS_DIR", problem: "is required for \(name): a directory of PEM private keys")
                }
                configuration.signingKeys = try SigningKeySet.load(directory: directory, algorithm: algorithm)
            }
        }
        configuration.host = value("HOST") ?? "127.0.0.1"
        if let text = value("LOG_FORMAT") {
            guard let format = LogFormat(rawValue: text.lowercased()) else {
                throw Invalid(setting: "LOG_FORMAT", problem: "must be text or json")
            }
            configuration.logFormat = format
        }
        if let text = value("LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw Invalid(
                    setting: "LOG_LEVEL", problem: "must be one of trace, debug, info, notice, warning, error, critical"
                )
            }
            configuration.logLevel = level
        }
        configuration.port = try number(value("PORT"), "PORT", default: 8000, range: 0...65535)
        configuration.idleTimeout = .seconds(
            try number(value("IDLE_TIMEOUT"), "IDLE_TIMEOUT", default: 30, range: 1...3600))
        configuration.maxConnections = try number(
            value("MAX_CONNECTIONS"), "MAX_CONNECTIONS", default: ConnectionCap.defaultLimit, range: 1...100_000)
        configuration.accessTokenLifetime = .seconds(
            try number(value("ACCESS_TOKEN_LIFETIME"), "ACCESS_TOKEN_LIFETIME", default: 86_400, range: 60...31_536_000)
        )
        configuration.refreshTokenLifetime = .seconds(
            try number(
                value("REFRESH_TOKEN_LIFETIME"), "REFRESH_TOKEN_LIFETIME", default: 30 * 86_400, range: 60...31_536_000)
        )
        configuration.databasePath = value("DATABASE_PATH") ?? "auth-server.sqlite"
        configuration.sendLimitPerPhone = try number(
            value("SEND_LIMIT_PER_PHONE"), "SEND_LIMIT_PER_PHONE", default: 5, range: 1...100_000)
        configuration.sendLimitPerIP = try number(
            value("SEND_LIMIT_PER_IP"), "SEND_LIMIT_PER_IP", default: 20, range: 1...1_000_000)
        configuration.verifyLimitPerPhone = try number(
            value("VERIFY_LIMIT_PER_PHONE"), "VERIFY_LIMIT_PER_PHONE", default: 10, range: 1...100_000)
        configuration.verifyLimitPerIP = try number(
            value("VERIFY_LIMIT_PER_IP"), "VERIFY_LIMIT_PER_IP", default: 50, range: 1...1_000_000)
        configuration.limitWindow = .seconds(
            try number(value("LIMIT_WINDOW"), "LIMIT_WINDOW", default: 600, range: 1...86_400))
        configuration.trustedProxies = try number(value("TRUST_PROXY"), "TRUST_PROXY", default: 0, range: 0...10)
        configuration.loginLimitPerAccount = try number(
            value("LOGIN_LIMIT_PER_ACCOUNT"), "LOGIN_LIMIT_PER_ACCOUNT", default: 10, range: 1...100_000)
        configuration.loginLimitPerIP = try number(
            value("LOGIN_LIMIT_PER_IP"), "LOGIN_LIMIT_PER_IP", default: 50, range: 1...1_000_000)
        configuration.registerLimitPerIP = try number(
            value("REGISTER_LIMIT_PER_IP"), "REGISTER_LIMIT_PER_IP", default: 10, range: 1...1_000_000)
        configuration.smsGate = try SMSGateSettings.read(value)
        configuration.bcryptCost = try number(value("BCRYPT_COST"), "BCRYPT_COST", default: 12, range: 4...31)
        if !configuration.developmentMode && configuration.bcryptCost < 12 {
            throw Invalid(setting: "BCRYPT_COST", problem: "must be at least 12 outside development mode")
        }
        switch value("COOKIE_SECURE") {
        case nil: configuration.cookieSecure = !configuration.developmentMode
        case "1", "true": configuration.cookieSecure = true
        case "0", "false": configuration.cookieSecure = false
        default: throw Invalid(setting: "COOKIE_SECURE", problem: "must be 1 or 0")
        }
        switch value("PUSH_LOGIN") {
        case nil, "0", "false": configuration.pushLogin = false
        case "1", "true": configuration.pushLogin = true
        default: throw Invalid(setting: "PUSH_LOGIN", problem: "must be 1 or 0")
        }
        if let url = value("DATABASE_URL") {
            if value("DATABASE_PATH") != nil {
                throw Invalid(
                    setting: "DATABASE_URL",
                    problem: "set DATABASE_URL (PostgreSQL) or DATABASE_PATH (SQLite), not both")
            }
            do {
                configuration.databaseURL = try PostgresURL(url)
            } catch {
                throw Invalid(setting: "DATABASE_URL", problem: error.problem)
            }
        }
        configuration.databasePoolSize = try number(
            value("DATABASE_POOL_SIZE"), "DATABASE_POOL_SIZE", default: 10, range: 1...500)
        switch value("DATABASE_KEEPALIVE") {
        case nil, "off", "0": configuration.databaseKeepAlive = nil
        case let seconds?:
            configuration.databaseKeepAlive = .seconds(
                try number(seconds, "DATABASE_KEEPALIVE", default: 0, range: 1...3600, otherwise: "off"))
        }
        configuration.databaseWait = .seconds(
            try number(value("DATABASE_WAIT"), "DATABASE_WAIT", default: 10, range: 0...600))
        configuration.databaseTimeout = .seconds(
            try number(value("DATABASE_TIMEOUT"), "DATABASE_TIMEOUT", default: 5, range: 1...120))
        configuration.passkeysRelyingParty = try passkeys(
            id: value("PASSKEYS_RP_ID"), name: value("PASSKEYS_RP_NAME"), origins: value("PASSKEYS_ORIGINS"),
            development: configuration.developmentMode, port: configuration.port)
        configuration.sessionLifetime = .seconds(
            try number(value("SESSION_LIFETIME"), "SESSION_LIFETIME", default: 12 * 3600, range: 60...31_536_000))
        configuration.twilioRateLimitKey = value("TWILIO_RATE_LIMIT_KEY")
        if let token = value("ADMIN_TOKEN") {
            guard token.utf8.count >= 32, Set(token.utf8).count >= 12 else {
                throw Invalid(
                    setting: "ADMIN_TOKEN", problem: "must be at least 32 random characters (openssl rand -hex 32)")
            }
            configuration.adminToken = token
        }
        configuration.auditRetention = .seconds(
            86_400 * (try number(value("AUDIT_RETENTION_DAYS"), "AUDIT_RETENTION_DAYS", default: 90, range: 1...3650)))
        configuration.webhook = try WebhookSettings.read(value)
        configuration.openID = try OpenIDSettings.read(
            value, development: configuration.developmentMode, accessAlgorithm: configuration.signingAlgorithm,
            adminAPI: configuration.adminToken != nil)
        // a resource server that trusts the provider's discovery checks the access token's iss
        // against the same issuer
        configuration.issuer = value("JWT_ISSUER") ?? configuration.openID?.issuer
        configuration.audience = value("JWT_AUDIENCE")
        return configuration
    }

    /// The relying party of passkeys: a bare domain and the exact origins (scheme, host, port)
    /// its pages are served from.
    static func passkeys(
        id: String?, name: String?, origins: String?, development: Bool, port: Int
    ) throws(Invalid) -> PasskeysConfig.RelyingParty? {
        guard let id = id ?? (development ? "localhost" : nil) else {
            if origins != nil {
                throw Invalid(setting: "PASSKEYS_RP_ID", problem: "is required with PASSKEYS_ORIGINS")
            }
            return nil
        }
        guard !id.contains(":"), !id.contains("/"), id.contains(".") || id == "localhost",
            id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") })
        else {
            throw Invalid(
                setting: "PASSKEYS_RP_ID", problem: "must be a domain such as login.example.com (no scheme or port)")
        }
        guard let originList = origins ?? (development ? "http://localhost:\(port)" : nil) else {
            throw Invalid(setting: "PASSKEYS_ORIGINS", problem: "is required with PASSKEYS_RP_ID")
        }
        var list: [String] = []
        for origin in originList.split(separator: ",").map({ String($0.trimmingWhitespace()) }) {
            let afterScheme =
                origin.hasPrefix("https://")
                ? origin.dropFirst(8) : origin.hasPrefix("http://") ? origin.dropFirst(7) : nil
            guard let hostAndPort = afterScheme, !hostAndPort.isEmpty, !hostAndPort.contains("/"),
                let host = hostAndPort.split(separator: ":").first, host == id || host.hasSuffix("." + id)
            else {
                throw Invalid(
                    setting: "PASSKEYS_ORIGINS",
                    problem: "'\(origin)' must be an origin like https://\(id) on \(id) or a subdomain, without a path")
            }
            list.append(origin)
        }
        return .init(id: id, name: name ?? "Auth Server", origins: list)
    }

    static func number(
        _ text: String?, _ setting: String, default fallback: Int, range: ClosedRange<Int>, otherwise: String? = nil
    )
        throws(Invalid) -> Int
    {
        guard let text else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            throw Invalid(
                setting: setting,
                problem: "must be a whole number from \(range.lowerBound) to \(range.upperBound)"
                    + (otherwise.map { ", or \($0)" } ?? ""))
        }
        return number
    }

    /// At least 32 bytes, and not an obvious placeholder or a run of one character.
    static func checkedSecret(_ text: String) throws(Invalid) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard bytes.count >= 32 else {
            throw Invalid(setting: "SECRET_KEY", problem: "is \(bytes.count) bytes; use at least 32 random bytes")
        }
        let lowered = text.lowercased()
        let placeholders = ["secret", "changeme", "change-me", "password", "your-secret", "example", "0123456789"]
        guard Set(bytes).count >= 12, !placeholders.contains(where: { lowered.contains($0) }) else {
            throw Invalid(setting: "SECRET_KEY", problem: "looks like a placeholder; use at least 32 random bytes")
        }
        return bytes
    }
}
