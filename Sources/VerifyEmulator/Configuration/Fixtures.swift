import Foundation
import VerifyWire

/// The fixtures file: accounts (with API keys) and services to exist from start-up.
///
/// ```json
/// {
///   "accounts": [{"sid": "AC…", "auth_token": "secret", "api_keys": [{"sid": "SK…", "secret": "…"}]}],
///   "services": [{"sid": "VA…", "account_sid": "AC…", "friendly_name": "My App", "code_length": 6}]
/// }
/// ```
public struct Fixtures: Codable, Sendable, Equatable {
    public var accounts: [TwilioAccount]
    public var services: [ServiceFixture]
    /// Deterministic codes: `{"to": "+1…", "code": "123456"}`, `{"service_sid": "VA…", …}`, or
    /// `{"code": …}` for every verification.
    public var fixedCodes: [FixedCode]
    /// Fault injection rules, e.g. the magic numbers in `fixtures/magic-numbers.json`.
    public var faults: [FaultRule]
    /// The built-in limits and code expiry, when a run needs other values than Twilio's.
    public var limits: Limits?
    /// How the emulator clock starts.
    public var clock: ClockFixture?

    public struct Limits: Codable, Sendable, Equatable {
        public var maxSendAttempts: Int?
        public var sendWindow: Int?
        public var maxCheckAttempts: Int?
        public var codeExpiry: Int?

        enum CodingKeys: String, CodingKey {
            case maxSendAttempts = "max_send_attempts"
            case sendWindow = "send_window"
            case maxCheckAttempts = "max_check_attempts"
            case codeExpiry = "code_expiry"
        }
    }

    public struct ClockFixture: Codable, Sendable, Equatable {
        /// Seconds ahead of the system clock (negative: behind).
        public var offsetSeconds: Double?
        /// A UTC time to stand frozen at, or `now`.
        public var frozenAt: String?

        enum CodingKeys: String, CodingKey {
            case offsetSeconds = "offset_seconds"
            case frozenAt = "frozen_at"
        }
    }

    public init(
        accounts: [TwilioAccount] = [], services: [ServiceFixture] = [], fixedCodes: [FixedCode] = [],
        faults: [FaultRule] = []
    ) {
        self.accounts = accounts
        self.services = services
        self.fixedCodes = fixedCodes
        self.faults = faults
    }

    enum CodingKeys: String, CodingKey {
        case accounts, services, faults, limits, clock
        case fixedCodes = "fixed_codes"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accounts = try c.decodeIfPresent([TwilioAccount].self, forKey: .accounts) ?? []
        services = try c.decodeIfPresent([ServiceFixture].self, forKey: .services) ?? []
        fixedCodes = try c.decodeIfPresent([FixedCode].self, forKey: .fixedCodes) ?? []
        faults = try c.decodeIfPresent([FaultRule].self, forKey: .faults) ?? []
        limits = try c.decodeIfPresent(Limits.self, forKey: .limits)
        clock = try c.decodeIfPresent(ClockFixture.self, forKey: .clock)
    }

    /// A fixtures file that cannot be used; the message names the file and the bad field.
    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Reads and validates a fixtures file.
    public static func load(path: String) throws(LoadError) -> Fixtures {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LoadError(description: "\(path): cannot read the file (\(error))")
        }
        return try parse(data, source: path)
    }

    public static func parse(_ data: Data, source: String) throws(LoadError) -> Fixtures {
        let fixtures: Fixtures
        do {
            fixtures = try JSONDecoder().decode(Fixtures.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let syntax = syntaxError(data) {
                throw LoadError(description: "\(source): \(syntax)")
            }
            throw LoadError(description: "\(source): \(error.fieldDescription)")
        } catch {
            throw LoadError(description: "\(source): \(error)")
        }
        if let json = try? JSONSerialization.jsonObject(with: data),
            let unknown = AcceptedKeys.unknownKey(in: json, shape: AcceptedKeys.fixtures)
        {
            throw LoadError(description: "\(source): \(unknown.path): \(unknown.problem)")
        }
        for (index, service) in fixtures.services.enumerated() {
            guard fixtures.accounts.contains(where: { $0.sid == service.accountSid }) else {
                throw LoadError(
                    description:
                        "\(source): services[\(index)].account_sid: \(service.accountSid) is not among the accounts")
            }
            guard (4...10).contains(service.codeLength) else {
                throw LoadError(description: "\(source): services[\(index)].code_length: must be 4 to 10")
            }
            guard !service.friendlyName.isEmpty, service.friendlyName.count <= ServiceParameters.friendlyNameMaxLength
            else {
                throw LoadError(description: "\(source): services[\(index)].friendly_name: must be 1 to 32 characters")
            }
        }
        if let limits = fixtures.limits {
            for (name, value) in [
                ("max_send_attempts", limits.maxSendAttempts), ("max_check_attempts", limits.maxCheckAttempts),
            ] where value.map({ !SettingRanges.attempts.contains($0) }) ?? false {
                throw LoadError(
                    description:
                        "\(source): limits.\(name): must be \(SettingRanges.describe(SettingRanges.attempts)) (0: no limit)"
                )
            }
            for (name, value) in [("send_window", limits.sendWindow), ("code_expiry", limits.codeExpiry)]
            where value.map({ !SettingRanges.windowSeconds.contains($0) }) ?? false {
                throw LoadError(
                    description:
                        "\(source): limits.\(name): must be \(SettingRanges.describe(SettingRanges.windowSeconds)) seconds"
                )
            }
        }
        if let offset = fixtures.clock?.offsetSeconds, SettingRanges.clockMilliseconds(offset) == nil {
            throw LoadError(
                description:
                    "\(source): clock.offset_seconds: must be \(SettingRanges.describe(SettingRanges.clockSeconds)) seconds"
            )
        }
        if let frozenAt = fixtures.clock?.frozenAt, frozenAt != "now", TwilioDate.parse(frozenAt) == nil {
            throw LoadError(
                description: "\(source): clock.frozen_at: must be 'now' or a UTC time like 2030-01-01T00:00:00Z")
        }
        for (index, service) in fixtures.services.enumerated() {
            for (entityIndex, entity) in service.entities.enumerated() {
                let field = "services[\(index)].entities[\(entityIndex)]"
                do {
                    try FactorForms.checkIdentity(entity.identity)
                } catch {
                    throw LoadError(description: "\(source): \(field).identity: \(error.hint ?? error.message)")
                }
                for (factorIndex, factor) in entity.factors.enumerated() {
                    if let problem = factor.problem {
                        throw LoadError(description: "\(source): \(field).factors[\(factorIndex)].\(problem)")
                    }
                }
                for (deviceIndex, device) in entity.devices.enumerated() {
                    if let problem = device.problem {
                        throw LoadError(description: "\(source): \(field).devices[\(deviceIndex)].\(problem)")
                    }
                }
            }
            for (limitIndex, limit) in service.rateLimits.enumerated() {
                let field = "services[\(index)].rate_limits[\(limitIndex)]"
                do {
                    try RateLimitStore.validateUniqueName(limit.uniqueName)
                } catch {
                    throw LoadError(description: "\(source): \(field).unique_name: \(error.hint ?? error.message)")
                }
                if Set(service.rateLimits.map(\.uniqueName)).count != service.rateLimits.count {
                    throw LoadError(description: "\(source): \(field).unique_name: used twice on the service")
                }
                for (bucketIndex, bucket) in limit.buckets.enumerated()
                where bucket.max < 1 || !(1...86_400).contains(bucket.interval) {
                    throw LoadError(
                        description:
                            "\(source): \(field).buckets[\(bucketIndex)]: max must be at least 1, interval 1 to 86400")
                }
            }
        }
        for (index, rule) in fixtures.faults.enumerated() {
            if let problem = rule.problem {
                throw LoadError(description: "\(source): faults[\(index)]: \(problem)")
            }
        }
        for (index, rule) in fixtures.fixedCodes.enumerated() {
            if let problem = rule.problem {
                throw LoadError(description: "\(source): fixed_codes[\(index)]: \(problem)")
            }
        }
        for (index, account) in fixtures.accounts.enumerated() {
            guard account.sid.prefix == .account else {
                throw LoadError(description: "\(source): accounts[\(index)].sid: must start with AC")
            }
            guard !account.authToken.isEmpty else {
                throw LoadError(description: "\(source): accounts[\(index)].auth_token: must not be empty")
            }
            for (keyIndex, key) in account.apiKeys.enumerated() where key.sid.prefix != .apiKey {
                throw LoadError(
                    description: "\(source): accounts[\(index)].api_keys[\(keyIndex)].sid: must start with SK")
            }
        }
        return fixtures
    }

    /// Where a file stops being JSON, as "line L, column C: why" (JSONDecoder does not say).
    private static func syntaxError(_ data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data)
            return nil
        } catch {
            let detail = (error as NSError).userInfo["NSDebugDescription"] as? String ?? "\(error)"
            guard let range = detail.range(of: #"character \d+"#, options: .regularExpression),
                let offset = Int(detail[range].dropFirst("character ".count))
            else { return "not valid JSON: \(detail)" }
            let prefix = data.prefix(offset)
            let line = prefix.filter { $0 == UInt8(ascii: "\n") }.count + 1
            let column = offset - (prefix.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
            return "line \(line), column \(column): not valid JSON (\(detail))"
        }
    }
}

extension EmulatorConfiguration {
    /// Adds a fixtures file's accounts and services (an account with the same SID is replaced).
    public mutating func add(_ fixtures: Fixtures) {
        for account in fixtures.accounts { add(account) }
        services.append(contentsOf: fixtures.services)
        fixedCodes.append(contentsOf: fixtures.fixedCodes)
        faults.append(contentsOf: fixtures.faults)
        if let limits = fixtures.limits {
            if let value = limits.maxSendAttempts { maxSendAttempts = value }
            if let value = limits.sendWindow { sendWindow = .seconds(value) }
            if let value = limits.maxCheckAttempts { maxCheckAttempts = value }
            if let value = limits.codeExpiry { codeExpiry = .seconds(value) }
        }
        if let offset = fixtures.clock?.offsetSeconds, let milliseconds = SettingRanges.clockMilliseconds(offset) {
            clock.advance(by: .milliseconds(milliseconds))
        }
        if let frozenAt = fixtures.clock?.frozenAt {
            if frozenAt == "now" {
                clock.freeze()
            } else if let date = TwilioDate.parse(frozenAt) {
                clock.set(to: date, frozen: true)
            }
        }
    }

    /// Adds an account, replacing one with the same SID.
    public mutating func add(_ account: TwilioAccount) {
        accounts.removeAll { $0.sid == account.sid }
        accounts.append(account)
    }
}
