import VerifyWire

/// An account as its owner sees it (`/api/accounts/me`, registration): never the password hash,
/// and the two-factor number only masked.
struct AccountDescription: Encodable, Sendable {
    var accountSid: String
    var username: String
    var email: String
    var about: String
    var twoFactorEnabled: Bool
    /// The second factors on: `totp`, `sms`.
    var methods: [SecondFactor]
    var phoneNumber: String?

    init(_ account: UserAccount) {
        accountSid = account.sid
        username = account.username
        email = account.email
        about = account.about
        twoFactorEnabled = account.twoFactorEnabled
        methods = account.secondFactors
        phoneNumber = account.maskedPhone
    }
}

/// A password login that needs its second step: the challenge that
/// `/api/accounts/login/verify` completes with a code from one of `methods` (or a recovery
/// code). An SMS goes out at once only when SMS is the one method; otherwise when the client
/// asks (`/api/accounts/login/resend` with `"method": "sms"`).
struct TwoFactorChallenge: Encodable, Sendable {
    var message: String
    var twoFactorRequired = true
    var challenge: String
    var methods: [SecondFactor]
    /// The masked number, when SMS is one of the methods.
    var phoneNumber: String?
    /// Whether an SMS code is already on its way.
    var smsSent: Bool
    /// The phone a push approval goes to, when push is one of the methods.
    var pushDevice: String?
    var expiresIn: Int
}

/// A second factor was turned on or off: what the account has on now, and the recovery codes
/// when this change issued them (shown this once).
struct TwoFactorState: Encodable, Sendable {
    var message: String
    var twoFactorEnabled: Bool
    var methods: [SecondFactor]
    var recoveryCodes: [String]?

    init(message: String, account: UserAccount, recoveryCodes: [String]? = nil) {
        self.message = message
        twoFactorEnabled = account.twoFactorEnabled
        methods = account.secondFactors
        self.recoveryCodes = recoveryCodes
    }
}

/// A new authenticator app to set up: `{"factor_sid", "secret", "uri"}`.
struct TOTPEnrolmentBody: Encodable, Sendable {
    var factorSid: String
    var secret: String
    var uri: String
}

/// A new set of recovery codes (the old set is void).
struct RecoveryCodesBody: Encodable, Sendable {
    var message = "New recovery codes; the old ones no longer work. Keep these somewhere safe."
    var recoveryCodes: [String]
}

/// A push login waiting for the phone: poll `/api/accounts/login/verify` with `"method": "push"`.
struct PushPending: Encodable, Sendable {
    var message = "Waiting for approval on your phone"
    var status = ChallengeStatus.pending
}

/// What the phone app enrols its push factor with (the Verify Push SDK's `PushFactorPayload`).
struct PushEnrolmentBody: Encodable, Sendable {
    var token: String
    var serviceSid: String
    var identity: String
    var factorType = FactorType.push
    var factorFriendlyName: String?
    var ttl: Int
}
