import VerifyWire

/// A Twilio account the emulator accepts, with its auth token and any API keys. (A person's
/// login is another thing: the auth server's `UserAccount`.)
public struct TwilioAccount: Sendable, Equatable, Codable {
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
    public static let `default` = TwilioAccount(
        sid: SID(unchecked: "AC00000000000000000000000000000000"),
        authToken: "emulator-auth-token",
        friendlyName: "Default emulator account"
    )
}
