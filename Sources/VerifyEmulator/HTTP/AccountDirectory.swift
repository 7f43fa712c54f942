import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The accounts the emulator accepts, looked up by account SID or API key SID.
struct AccountDirectory: Sendable {
    private let tokens: [String: String]
    private let apiKeys: [String: (account: SID, secret: String)]
    /// The exact `Authorization` values the SDKs send for each credential, so the common case
    /// is one dictionary lookup instead of base64 decoding on every request.
    private let canonicalHeaders: [String: SID]

    init(accounts: [TwilioAccount]) {
        var tokens: [String: String] = [:]
        var apiKeys: [String: (account: SID, secret: String)] = [:]
        var canonicalHeaders: [String: SID] = [:]
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
        self.tokens = tokens
        self.apiKeys = apiKeys
        self.canonicalHeaders = canonicalHeaders
    }

    /// The account's auth token: what Twilio signs the account's webhooks with.
    func authToken(of account: String) -> String? { tokens[account] }

    /// Who `Authorization: Basic …` says is calling: an account (or its API key) whose secret
    /// is right, or a phone (user `token`), whose password the endpoint checks.
    func authenticate(_ authorization: String?) throws(TwilioError) -> BasicCredential {
        guard let authorization else { throw .authenticationFailed(hint: "no Authorization header") }
        if let account = canonicalHeaders[authorization] { return .account(account) }
        guard authorization.count > 6, authorization.prefix(6).lowercased() == "basic " else {
            throw .authenticationFailed(hint: "Authorization is not HTTP Basic")
        }
        guard let data = Data(base64Encoded: authorization.dropFirst(6).trimming { $0 == " " || $0 == "\t" }),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { throw .authenticationFailed(hint: "Basic credentials are not base64 of user:password") }
        let user = String(text[..<colon])
        let secret = String(text[text.index(after: colon)...])
        if user == BasicCredential.deviceUser { return .device(token: secret) }
        if let token = tokens[user] {
            guard constantTimeEquals(token, secret) else {
                throw .authenticationFailed(hint: "wrong auth token for \(user)")
            }
            return .account(SID(unchecked: user))
        }
        if let key = apiKeys[user] {
            guard constantTimeEquals(key.secret, secret) else {
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
