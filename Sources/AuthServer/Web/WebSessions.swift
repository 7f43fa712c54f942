/// What a browser session holds. Every visitor to a form page gets one (it carries the CSRF
/// token); it is *signed in* only once `accountID` is set, after the password and, with
/// two-factor on, the code were accepted.
public struct WebSession: Codable, Sendable, Equatable {
    /// The synchronizer token every form posts back.
    var csrfToken: String
    var accountID: Int64?
    /// When this session signed in; sessions older than the account's `sessionsValidAfter` are void.
    var signedInAt: Double?
    /// An account whose password was accepted and that waits for its second step.
    var pendingAccountID: Int64?
    var pendingSince: Double?
    /// The method the pending login is on (`totp`, `sms`, `recovery`), and whether its SMS went out.
    var pendingMethod: String?
    var pendingSMSSent: Bool?
    /// The push challenge the pending login waits on, once one was sent to the phone.
    var pendingPushSid: String?
    /// The passkey sign-in challenge this browser asked for; only its answer signs it in.
    var pendingPasskeyChallenge: String?
    /// An authenticator app being set up: what its page shows until the first code.
    var pendingTOTP: PendingTOTP?
    /// Recovery codes just issued, shown once by the next page and then forgotten.
    var recoveryCodes: [String]?
    /// The email a password-reset code was sent to.
    var resetEmail: String?
    /// When this browser last proved it is the owner on the confirmation page: for
    /// ``AccountService/freshProofWindow`` it may make sensitive changes.
    var provedAt: Double?
    /// A one-shot notice for the next page ("Two-factor authentication is on").
    var flash: String?
    /// How this session signed in: RFC 8176 method references (`pwd`, `otp`, `sms`, `hwk`,
    /// `swk`, `mfa`), for the ID tokens it leads to.
    var methods: [String]?
    /// A session signed in by a code to this number ("Sign in with your phone"): no account.
    var phoneNumber: String?
    /// The number a phone sign-in sent its code to, waiting for the code.
    var pendingPhone: String?
    /// An application's authorization request waiting for this browser to sign in.
    var authorization: PendingAuthorization?
}

/// An OpenID Connect authorization request that sent the browser to sign in: resumed at
/// `/oauth/authorize/continue` once it has.
struct PendingAuthorization: Codable, Sendable, Equatable {
    /// The request's parameters, checked again when it resumes.
    var parameters: [String: String]
    /// When it was made.
    var since: Double
    /// `prompt=login` or an exceeded `max_age`: only a sign-in after `since` answers it.
    var needsFreshSignIn: Bool
    /// The application's name, which the sign-in pages show.
    var clientName: String?

    /// How long a request waits for its sign-in: a person who walked away and signs in later
    /// for themselves is not sent to an application they no longer meant to open.
    static let lifetime: Double = 600

    func isWaiting(at now: Double) -> Bool { now - since < Self.lifetime }
}

/// The set-up of an authenticator app: the Verify factor and what its QR code holds.
struct PendingTOTP: Codable, Sendable, Equatable {
    var factorSid: String
    var secret: String
    var uri: String
}

extension WebSession {
    static func fresh(flash: String?) -> WebSession {
        var session = WebSession(csrfToken: OpaqueToken.make())
        session.flash = flash
        return session
    }
}
