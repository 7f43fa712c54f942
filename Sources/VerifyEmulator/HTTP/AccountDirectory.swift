import Synchronization
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The accounts the emulator accepts, looked up by account SID or API key SID: the configured
/// ones, and those created at run time through `POST /emulator/v1/accounts` (which
/// ``AccountStore`` keeps in the database across restarts and snapshots).
final class AccountDirectory: Sendable {
    /// The lookup tables of one set of accounts, rebuilt whole when an account comes or goes.
    private struct Credentials: Sendable {
        var tokens: [String: String] = [:]
        var apiKeys: [String: (account: SID, secret: String)] = [:]
        /// The exact `Authorization` values the SDKs send for each credential, so the common case
        /// is one dictionary lookup instead of base64 decoding on every request.
        var canonicalHeaders: [String: SID] = [:]

        init(accounts: [TwilioAccount]) {
            func header(_ user: String, _ secret: String) -> String {
                "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString()
            }
            for account in accounts {
                tokens[account.sid.rawValue] = account.authToken
                canonicalHeaders[header(account.sid.rawValue, account.authToken)] = account.sid
                for key in account.apiKeys {
                    apiKeys[key.sid.rawValue] = (account.sid, key.secret)
                    canonicalHeaders[header(key.sid.rawValue, key.secret)] = account.sid
                }
            }
        }
    }

    private struct State: Sendable {
        var runtime: [TwilioAccount] = []
        var credentials: Credentials
    }

    /// The accounts of the configuration, which cannot be removed at run time.
    let configured: [TwilioAccount]
    private let state: Mutex<State>

    init(accounts: [TwilioAccount]) {
        configured = accounts
        state = Mutex(State(credentials: Credentials(accounts: accounts)))
    }

    /// Replaces the accounts created at run time (at start, and after a snapshot is restored).
    func setRuntimeAccounts(_ accounts: [TwilioAccount]) {
        state.withLock { state in
            state.runtime = accounts
            state.credentials = Credentials(accounts: configured + accounts)
        }
    }

    func addRuntimeAccount(_ account: TwilioAccount) {
        state.withLock { state in
            state.runtime.append(account)
            state.credentials = Credentials(accounts: configured + state.runtime)
        }
    }

    func removeRuntimeAccount(_ sid: SID) {
        state.withLock { state in
            state.runtime.removeAll { $0.sid == sid }
            state.credentials = Credentials(accounts: configured + state.runtime)
        }
    }

    /// Whether `sid` is an account the emulator accepts, and whether it was created at run time.
    func kind(of sid: SID) -> AccountKind? {
        if configured.contains(where: { $0.sid == sid }) { return .configured }
        return state.withLock { $0.runtime.contains { $0.sid == sid } } ? .runtime : nil
    }

    enum AccountKind: String, Sendable, Encodable {
        case configured, runtime
    }

    /// Every account, the configured ones first.
    func all() -> [(TwilioAccount, AccountKind)] {
        configured.map { ($0, .configured) } + state.withLock { $0.runtime }.map { ($0, .runtime) }
    }

    /// The account's auth token: what Twilio signs the account's webhooks with.
    func authToken(of account: String) -> String? { state.withLock { $0.credentials.tokens[account] } }

    /// Who `Authorization: Basic …` says is calling: an account (or its API key) whose secret
    /// is right, or a phone (user `token`), whose password the endpoint checks.
    func authenticate(_ authorization: String?) throws(TwilioError) -> BasicCredential {
        guard let authorization else { throw .authenticationFailed(hint: "no Authorization header") }
        if let account = state.withLock({ $0.credentials.canonicalHeaders[authorization] }) {
            return .account(account)
        }
        guard authorization.count > 6, authorization.prefix(6).lowercased() == "basic " else {
            throw .authenticationFailed(hint: "Authorization is not HTTP Basic")
        }
        guard let data = Data(base64Encoded: authorization.dropFirst(6).trimming { $0 == " " || $0 == "\t" }),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { throw .authenticationFailed(hint: "Basic credentials are not base64 of user:password") }
        let user = String(text[..<colon])
        let secret = String(text[text.index(after: colon)...])
        if user == BasicCredential.deviceUser { return .device(token: secret) }
        let (token, key) = state.withLock { ($0.credentials.tokens[user], $0.credentials.apiKeys[user]) }
        if let token {
            guard ConstantTime.equal(token, secret) else {
                throw .authenticationFailed(hint: "wrong auth token for \(user)")
            }
            return .account(SID(unchecked: user))
        }
        if let key {
            guard ConstantTime.equal(key.secret, secret) else {
                throw .authenticationFailed(hint: "wrong secret for API key \(user)")
            }
            return .account(key.account)
        }
        throw .authenticationFailed(hint: "unknown account or API key \(user)")
    }
}

/// The two kinds of HTTP Basic credentials Verify takes.
enum BasicCredential: Sendable, Equatable {
    /// An account SID and auth token, or an API key and secret: the account.
    case account(SID)
    /// `token:<password>`, as the Verify Push SDKs send: an access token on factor create, a
    /// JWT signed by the device's key on its later calls.
    case device(token: String)

    /// The user name the Verify Push SDKs put before a token.
    static let deviceUser = "token"
}
