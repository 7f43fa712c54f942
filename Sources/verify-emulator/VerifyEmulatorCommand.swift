import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServerOperations
import VerifyEmulator
import VerifyWire

/// `verify-emulator [flags]` runs the server; `verify-emulator healthcheck [flags]` asks a running
/// one whether it is ready; `env` and `ca` print the proxy environment and the local CA. Dispatched by hand rather than as an ArgumentParser subcommand: both
/// take `--host` and `--port`, and a parent's option of the same name takes the value.
@main
enum VerifyEmulatorMain {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == HealthcheckCommand.name {
            await HealthcheckCommand.main(Array(arguments.dropFirst()))
        } else if arguments.first == EnvCommand.name {
            EnvCommand.main(Array(arguments.dropFirst()))
        } else if arguments.first == CACommand.name {
            CACommand.main(Array(arguments.dropFirst()))
        } else {
            await VerifyEmulatorCommand.main(arguments)
        }
    }
}

/// `verify-emulator`: a local Twilio Verify v2. Every flag can also be set by an environment
/// variable (`VERIFY_EMULATOR_<FLAG>`); a flag wins over its variable.
struct VerifyEmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-emulator",
        abstract: "A local, stateful emulator of the Twilio Verify v2 API.",
        discussion: """
            With no accounts given it accepts the default account \(TwilioAccount.default.sid) with auth token \
            '\(TwilioAccount.default.authToken)' and has one service, \(ServiceFixture.default.sid).
            "Sent" codes are logged and readable at GET /emulator/v1/messages.
            `verify-emulator healthcheck` exits 0 when the emulator on --host and --port is ready.
            The port is also an HTTPS proxy for *.twilio.com: eval "$(verify-emulator env)" points an \
            unmodified app at it (`verify-emulator env --help`, `verify-emulator ca --help`).
            """,
        version: "verify-emulator \(BuildInfo.description)"
    )

    private static let environment = ProcessInfo.processInfo.environment

    @Option(help: "Address to bind. [env: VERIFY_EMULATOR_HOST]")
    var host: String = environment["VERIFY_EMULATOR_HOST"] ?? "127.0.0.1"

    @Option(
        name: .customLong("port"), help: "Port to bind (default 4010); 0 picks a free one. [env: VERIFY_EMULATOR_PORT]")
    var portOption: Int?
    var port: Int {
        get throws { try Self.setting(portOption, "--port", "VERIFY_EMULATOR_PORT", in: 0...65_535, unit: "") ?? 4010 }
    }

    @Option(
        name: .customLong("tls-port"),
        help:
            "Also serve HTTPS as verify.twilio.com on this port, for setups that alias the name to the emulator (off by default). [env: VERIFY_EMULATOR_TLS_PORT]"
    )
    var tlsPortOption: Int?
    var tlsPort: Int? {
        get throws {
            try Self.setting(tlsPortOption, "--tls-port", "VERIFY_EMULATOR_TLS_PORT", in: 0...65_535, unit: "")
        }
    }

    @OptionGroup var data: DataDirectoryOption

    @Option(name: .customLong("db"), help: "SQLite file for all state, or :memory:. [env: VERIFY_EMULATOR_DB]")
    var databasePath: String = environment["VERIFY_EMULATOR_DB"] ?? "verify-emulator.sqlite"

    @Option(
        name: .customLong("import"),
        help:
            "Start from this snapshot or downloaded database (GET /emulator/v1/database): it replaces what --db holds, clock and fault rules included. [env: VERIFY_EMULATOR_IMPORT]"
    )
    var importOption: String?
    var importPath: String? { importOption ?? Self.environment["VERIFY_EMULATOR_IMPORT"] }

    @Option(
        name: .customLong("account-sid"),
        help: "Account SID to accept (with --auth-token); adds or replaces it. [env: VERIFY_EMULATOR_ACCOUNT_SID]")
    var accountSidOption: String?
    var accountSid: String? { accountSidOption ?? Self.environment["VERIFY_EMULATOR_ACCOUNT_SID"] }

    @Option(name: .customLong("auth-token"), help: "Auth token for --account-sid. [env: VERIFY_EMULATOR_AUTH_TOKEN]")
    var authTokenOption: String?
    var authToken: String? { authTokenOption ?? Self.environment["VERIFY_EMULATOR_AUTH_TOKEN"] }

    @Option(
        help:
            "JSON fixtures file (accounts, services, fixed codes, faults); repeatable. [env: VERIFY_EMULATOR_FIXTURES, comma-separated]"
    )
    var fixtures: [String] =
        environment["VERIFY_EMULATOR_FIXTURES"].map { $0.split(separator: ",").map(String.init) } ?? []

    @Option(
        name: .customLong("public-url"),
        help: "Base URL for resource and paging URLs, when behind a proxy. [env: VERIFY_EMULATOR_PUBLIC_URL]")
    var publicURLOption: String?
    var publicURL: String? { publicURLOption ?? Self.environment["VERIFY_EMULATOR_PUBLIC_URL"] }

    @Option(
        name: .customLong("allowed-hosts"),
        help:
            "Host names answered besides localhost and IP addresses, comma-separated (.domain for its subdomains, * for any): others are refused, against DNS rebinding. [env: VERIFY_EMULATOR_ALLOWED_HOSTS]"
    )
    var allowedHostsOption: String?
    var allowedHosts: AllowedHosts {
        get throws {
            do {
                return try AllowedHosts(
                    parsing: allowedHostsOption ?? Self.environment["VERIFY_EMULATOR_ALLOWED_HOSTS"] ?? "")
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    @Option(
        name: .customLong("code-expiry"),
        help: "Seconds a code stays valid (default 600). [env: VERIFY_EMULATOR_CODE_EXPIRY]")
    var codeExpiryOption: Int?
    var codeExpiry: Int? {
        get throws {
            try Self.setting(
                codeExpiryOption, "--code-expiry", "VERIFY_EMULATOR_CODE_EXPIRY", in: SettingRanges.windowSeconds,
                unit: "seconds")
        }
    }

    @Option(
        name: .customLong("fixed-code"),
        help: "A fixed code for every verification (4-10 digits). [env: VERIFY_EMULATOR_FIXED_CODE]")
    var fixedCodeOption: String?
    var fixedCode: String? { fixedCodeOption ?? Self.environment["VERIFY_EMULATOR_FIXED_CODE"] }

    @Option(
        name: .customLong("clock-offset"),
        help: "Start the emulator clock this many seconds ahead (negative: behind). [env: VERIFY_EMULATOR_CLOCK_OFFSET]"
    )
    var clockOffsetOption: Double?
    var clockOffset: Double {
        get throws {
            try Self.setting(
                clockOffsetOption, "--clock-offset", "VERIFY_EMULATOR_CLOCK_OFFSET", in: SettingRanges.clockSeconds,
                unit: "seconds") ?? 0
        }
    }

    @Option(
        name: .customLong("frozen-clock"),
        help:
            "Start with the clock frozen at this UTC time (e.g. 2030-01-01T00:00:00Z) or 'now'. [env: VERIFY_EMULATOR_FROZEN_CLOCK]"
    )
    var frozenClockOption: String?
    var frozenClock: String? { frozenClockOption ?? Self.environment["VERIFY_EMULATOR_FROZEN_CLOCK"] }

    @Option(
        name: .customLong("max-send-attempts"),
        help:
            "Sends allowed to one To per send window (default 5); 0 turns the limit off. [env: VERIFY_EMULATOR_MAX_SEND_ATTEMPTS]"
    )
    var maxSendAttemptsOption: Int?
    var maxSendAttempts: Int? {
        get throws {
            try Self.setting(
                maxSendAttemptsOption, "--max-send-attempts", "VERIFY_EMULATOR_MAX_SEND_ATTEMPTS",
                in: SettingRanges.attempts, unit: "(0: no limit)")
        }
    }

    @Option(
        name: .customLong("send-window"),
        help: "Seconds of the send window (default 600). [env: VERIFY_EMULATOR_SEND_WINDOW]")
    var sendWindowOption: Int?
    var sendWindow: Int? {
        get throws {
            try Self.setting(
                sendWindowOption, "--send-window", "VERIFY_EMULATOR_SEND_WINDOW", in: SettingRanges.windowSeconds,
                unit: "seconds")
        }
    }

    @Option(
        name: .customLong("max-check-attempts"),
        help:
            "Checks allowed per verification (default 5); 0 turns the limit off. [env: VERIFY_EMULATOR_MAX_CHECK_ATTEMPTS]"
    )
    var maxCheckAttemptsOption: Int?
    var maxCheckAttempts: Int? {
        get throws {
            try Self.setting(
                maxCheckAttemptsOption, "--max-check-attempts", "VERIFY_EMULATOR_MAX_CHECK_ATTEMPTS",
                in: SettingRanges.attempts, unit: "(0: no limit)")
        }
    }

    @Option(
        name: .customLong("idle-timeout"),
        help: "Seconds a silent connection is kept open (default 60). [env: VERIFY_EMULATOR_IDLE_TIMEOUT]")
    var idleTimeoutOption: Int?
    var idleTimeout: Int? {
        get throws {
            try Self.setting(
                idleTimeoutOption, "--idle-timeout", "VERIFY_EMULATOR_IDLE_TIMEOUT", in: SettingRanges.idleSeconds,
                unit: "seconds")
        }
    }

    @Option(
        name: .customLong("max-connections"),
        help:
            "Open connections at most; at the limit new clients wait (default: the file limit less 128, at most 4096). [env: VERIFY_EMULATOR_MAX_CONNECTIONS]"
    )
    var maxConnectionsOption: Int?
    var maxConnections: Int? {
        get throws {
            try Self.setting(
                maxConnectionsOption, "--max-connections", "VERIFY_EMULATOR_MAX_CONNECTIONS",
                in: SettingRanges.connections, unit: "")
        }
    }

    @Option(
        name: .customLong("retention"),
        help:
            "Seconds of emulator time finished verifications and messages are kept (default 86400); 0 keeps everything. [env: VERIFY_EMULATOR_RETENTION]"
    )
    var retentionOption: Int?
    var retention: Int? {
        get throws {
            try Self.setting(
                retentionOption, "--retention", "VERIFY_EMULATOR_RETENTION",
                in: 0...SettingRanges.retentionSeconds.upperBound, unit: "seconds (0: keep everything)")
        }
    }

    @Option(
        name: .customLong("delivery-webhook"),
        help: "POST every delivered message as JSON to this URL. [env: VERIFY_EMULATOR_DELIVERY_WEBHOOK]")
    var deliveryWebhookOption: String?
    var deliveryWebhook: String? { deliveryWebhookOption ?? Self.environment["VERIFY_EMULATOR_DELIVERY_WEBHOOK"] }

    @Option(help: "Log level: trace, debug, info, notice, warning, error. [env: VERIFY_EMULATOR_LOG_LEVEL]")
    var logLevel: String = environment["VERIFY_EMULATOR_LOG_LEVEL"] ?? "info"

    @Option(
        name: .customLong("log-format"),
        help: "Log lines as text, or json (one object per line). [env: VERIFY_EMULATOR_LOG_FORMAT]")
    var logFormatOption: String?
    var logFormat: LogFormat {
        get throws {
            let (text, source) =
                logFormatOption.map { ($0, "--log-format '\($0)'") }
                ?? Self.environment["VERIFY_EMULATOR_LOG_FORMAT"].map { ($0, "VERIFY_EMULATOR_LOG_FORMAT='\($0)'") }
                ?? ("text", "")
            guard let format = LogFormat(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw ValidationError("\(source): must be text or json")
            }
            return format
        }
    }

    @Flag(
        name: .customLong("quiet"),
        help: "Do not log each sent message (for load tests). [env: VERIFY_EMULATOR_QUIET=1]")
    var quietFlag = false
    var quiet: Bool {
        get throws {
            if quietFlag { return true }
            guard let text = Self.environment["VERIFY_EMULATOR_QUIET"] else { return false }
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off", "": return false
            default:
                throw ValidationError("VERIFY_EMULATOR_QUIET='\(text)': must be 1 or 0 (true/false, yes/no, on/off)")
            }
        }
    }

    /// A numeric setting from its flag or else its environment variable, checked against
    /// `range`: a value that does not parse or is out of range is an error naming the flag or
    /// the variable, never a silent default.
    private static func setting<T: LosslessStringConvertible & Comparable>(
        _ option: T?, _ flag: String, _ variable: String, in range: ClosedRange<T>, unit: String
    ) throws -> T? {
        let accepted = "must be \(range.lowerBound) to \(range.upperBound)" + (unit.isEmpty ? "" : " \(unit)")
        if let option {
            guard range.contains(option) else { throw ValidationError("\(flag) \(option): \(accepted)") }
            return option
        }
        guard let text = environment[variable] else { return nil }
        guard let value = T(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw ValidationError("\(variable)='\(text)': \(accepted)")
        }
        return value
    }

    func validate() throws {
        // every setting read once here, so a bad one stops start-up before anything opens
        _ = try (
            port, tlsPort, codeExpiry, clockOffset, maxSendAttempts, sendWindow, maxCheckAttempts, quiet, idleTimeout,
            retention,
            logFormat
        )
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level '\(logLevel)' is not a level")
        }
        if let deliveryWebhook, let problem = EmulatorConfiguration.deliveryWebhookProblem(deliveryWebhook) {
            throw ValidationError("--delivery-webhook: \(problem)")
        }
        if let fixedCode, let problem = FixedCode(code: fixedCode).problem {
            throw ValidationError("--fixed-code: \(problem)")
        }
        if let frozenClock, frozenClock != "now", TwilioDate.parse(frozenClock) == nil {
            throw ValidationError("--frozen-clock must be 'now' or a UTC time like 2030-01-01T00:00:00Z")
        }
        if (accountSid == nil) != (authToken == nil) {
            throw ValidationError("--account-sid and --auth-token go together")
        }
        if let accountSid, SID(accountSid, expecting: .account) == nil {
            throw ValidationError("--account-sid must be AC followed by 32 hex digits")
        }
    }

    func run() async throws {
        var configuration = EmulatorConfiguration()
        configuration.host = host
        configuration.port = try port
        configuration.databasePath = databasePath
        configuration.tlsPort = try tlsPort
        configuration.dataDirectory = data.folder.path
        configuration.dataDirectoryIsDefault = data.isDefault
        configuration.importPath = importPath
        configuration.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        configuration.allowedHosts = try allowedHosts
        configuration.logMessages = try !quiet
        configuration.deliveryWebhook = deliveryWebhook
        // Fixtures first, then flags, so a flag given explicitly wins over a file.
        for path in fixtures {
            do {
                configuration.add(try Fixtures.load(path: path))
            } catch {
                throw ValidationError("fixtures: \(error.description)")
            }
        }
        if let codeExpiry = try codeExpiry { configuration.codeExpiry = .seconds(codeExpiry) }
        if let maxSendAttempts = try maxSendAttempts { configuration.maxSendAttempts = maxSendAttempts }
        if let maxCheckAttempts = try maxCheckAttempts { configuration.maxCheckAttempts = maxCheckAttempts }
        if let sendWindow = try sendWindow { configuration.sendWindow = .seconds(sendWindow) }
        if let idleTimeout = try idleTimeout { configuration.idleTimeout = .seconds(idleTimeout) }
        if let maxConnections = try maxConnections { configuration.maxConnections = maxConnections }
        if let retention = try retention { configuration.retention = retention == 0 ? nil : .seconds(retention) }
        if let fixedCode { configuration.fixedCodes.append(FixedCode(code: fixedCode)) }
        let clockOffset = try clockOffset
        if clockOffset != 0 { configuration.clock.advance(by: .milliseconds(Int64((clockOffset * 1000).rounded()))) }
        if let frozenClock {
            if frozenClock == "now" {
                configuration.clock.freeze()
            } else if let date = TwilioDate.parse(frozenClock) {
                configuration.clock.set(to: date, frozen: true)
            }
        }
        if let accountSid, let authToken, let sid = SID(accountSid, expecting: .account) {
            configuration.add(TwilioAccount(sid: sid, authToken: authToken))
        }

        let level = Logger.Level(rawValue: logLevel) ?? .info
        switch try logFormat {
        case .text: LoggingSystem.bootstrap { label in ConsoleLogHandler(label: label, logLevel: level) }
        case .json: LoggingSystem.bootstrap { label in JSONLogHandler(label: label, logLevel: level) }
        }
        let settings = configuration
        let format = try logFormat
        let app = try await buildApplication(configuration: settings) { boundPort in
            let base = settings.publicURL ?? "http://\(settings.host):\(boundPort)"
            if format == .json {
                // the banner as one log line too, so every line of the output is JSON
                Logger(label: "verify-emulator").notice(
                    "verify-emulator listening on \(base)",
                    metadata: [
                        "url": "\(base)", "messages": "\(base)/emulator/v1/messages",
                        "accounts": .array(settings.effectiveAccounts.map { "\($0.sid)" }),
                        "services": .array(settings.effectiveServices.map { "\($0.sid)" }),
                    ])
                return
            }
            var lines = ["verify-emulator listening on \(base)"]
            for account in settings.effectiveAccounts {
                if account == TwilioAccount.default {
                    lines.append("  account \(account.sid)  auth token \(account.authToken)")
                } else {
                    lines.append("  account \(account.sid)")
                }
            }
            for service in settings.effectiveServices {
                lines.append("  service \(service.sid)  \(service.friendlyName)")
            }
            lines.append("  messages \(base)/emulator/v1/messages")
            lines.append("  proxy    for *.twilio.com on this port: eval \"$(verify-emulator env)\"")
            if let tlsPort = settings.tlsPort {
                lines.append("  tls      https://verify.twilio.com on \(settings.host):\(tlsPort)")
            }
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        do {
            try await app.runService()
        } catch let error as IOError {
            let reason = String(cString: strerror(error.errnoCode)).lowercased()
            FileHandle.standardError.write(
                Data("verify-emulator: cannot listen on \(settings.host):\(settings.port): \(reason)\n".utf8))
            throw ExitCode(1)
        } catch let error as ListenerError {
            FileHandle.standardError.write(Data("verify-emulator: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}
