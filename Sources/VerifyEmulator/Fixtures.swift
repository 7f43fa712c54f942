import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The fixtures file: accounts (with API keys) and services to exist from start-up.
///
/// ```json
/// {
///   "accounts": [{"sid": "AC…", "auth_token": "secret", "api_keys": [{"sid": "SK…", "secret": "…"}]}],
///   "services": [{"sid": "VA…", "account_sid": "AC…", "friendly_name": "My App", "code_length": 6}]
/// }
/// ```
public struct Fixtures: Codable, Sendable, Equatable {
    public var accounts: [Account]
    public var services: [ServiceFixture]
    /// Deterministic codes: `{"to": "+1…", "code": "123456"}`, `{"service_sid": "VA…", …}`, or
    /// `{"code": …}` for every verification.
    public var fixedCodes: [FixedCode]
    /// Fault injection rules, e.g. the magic numbers in `fixtures/magic-numbers.json`.
    public var faults: [FaultRule]

    public init(
        accounts: [Account] = [], services: [ServiceFixture] = [], fixedCodes: [FixedCode] = [],
        faults: [FaultRule] = []
    ) {
        self.accounts = accounts
        self.services = services
        self.fixedCodes = fixedCodes
        self.faults = faults
    }

    enum CodingKeys: String, CodingKey {
        case accounts, services, faults
        case fixedCodes = "fixed_codes"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accounts = try c.decodeIfPresent([Account].self, forKey: .accounts) ?? []
        services = try c.decodeIfPresent([ServiceFixture].self, forKey: .services) ?? []
        fixedCodes = try c.decodeIfPresent([FixedCode].self, forKey: .fixedCodes) ?? []
        faults = try c.decodeIfPresent([FaultRule].self, forKey: .faults) ?? []
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
            throw LoadError(description: "\(source): \(describe(error))")
        } catch {
            throw LoadError(description: "\(source): \(error)")
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

    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text.isEmpty ? "(top level)" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
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
    }

    /// Adds an account, replacing one with the same SID.
    public mutating func add(_ account: Account) {
        accounts.removeAll { $0.sid == account.sid }
        accounts.append(account)
    }
}
