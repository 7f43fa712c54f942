import VerifyWire

/// The password of a device's `token:<password>` credentials (a phone's JWT, or an access token
/// creating a factor), read once when the request arrives: the auth middleware takes its `sub`
/// to pick the account's clock, and ``DeviceAuthenticator`` checks the same parse.
struct DeviceToken: Sendable {
    let text: String
    /// The token as a JWT, or why it is not one.
    let jwt: Result<CompactJWT, any Error>

    init(_ text: String) {
        self.text = text
        jwt = Result { try CompactJWT(text) }
    }

    /// The account the JWT's `sub` names, unverified: it only picks the clock, and
    /// ``DeviceAuthenticator`` refuses a token whose `sub` is not its factor's account.
    var claimedAccount: SID? {
        (try? jwt.get())?.claims["sub"]?.string.flatMap { SID($0, expecting: .account) }
    }
}
