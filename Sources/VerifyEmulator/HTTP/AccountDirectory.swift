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

    /// The account that `Authorization: Basic …` names, if its secret is right.
    func authenticate(_ authorization: String?) throws(TwilioError) -> SID {
        guard let authorization else { throw .authenticationFailed(hint: "no Authorization header") }
        if let account = canonicalHeaders[authorization] { return account }
        guard authorization.count > 6, authorization.prefix(6).lowercased() == "basic " else {
            throw .authenticationFailed(hint: "Authorization is not HTTP Basic")
        }
        guard let data = Data(base64Encoded: authorization.dropFirst(6).trimming { $0 == " " || $0 == "\t" }),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { throw .authenticationFailed(hint: "Basic credentials are not base64 of user:password") }
        let user = String(text[..<colon])
        let secret = String(text[text.index(after: colon)...])
        if let token = tokens[user] {
            guard constantTimeEquals(token, secret) else {
                throw .authenticationFailed(hint: "wrong auth token for \(user)")
            }
            return SID(unchecked: user)
        }
        if let key = apiKeys[user] {
            guard constantTimeEquals(key.secret, secret) else {
                throw .authenticationFailed(hint: "wrong secret for API key \(user)")
            }
            return key.account
        }
        throw .authenticationFailed(hint: "unknown account or API key \(user)")
    }
}
