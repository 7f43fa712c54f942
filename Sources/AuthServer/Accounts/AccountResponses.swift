/// An account as its owner sees it (`/api/accounts/me`, registration): never the password hash,
/// and the two-factor number only masked.
struct AccountDescription: Encodable, Sendable {
    var accountSid: String
    var username: String
    var email: String
    var about: String
    var twoFactorEnabled: Bool
    var phoneNumber: String?

    init(_ account: UserAccount) {
        accountSid = account.sid
        username = account.username
        email = account.email
        about = account.about
        twoFactorEnabled = account.twoFactorEnabled
        phoneNumber = account.maskedPhone
    }
}

/// A password login that needs its second step: the challenge that
/// `/api/accounts/login/verify` completes with the code sent to the masked number.
struct TwoFactorChallenge: Encodable, Sendable {
    var message = "Two-factor authentication required; enter the code sent by SMS"
    var twoFactorRequired = true
    var challenge: String
    var phoneNumber: String
    var expiresIn: Int
}

/// Two-factor was turned on or off.
struct TwoFactorState: Encodable, Sendable {
    var message: String
    var twoFactorEnabled: Bool
}
