/// What a browser session holds. Every visitor to a form page gets one (it carries the CSRF
/// token); it is *signed in* only once `accountID` is set, after the password and, with
/// two-factor on, the code were accepted.
public struct WebSession: Codable, Sendable, Equatable {
    /// The synchronizer token every form posts back.
    var csrfToken: String
    var accountID: Int64?
    /// When this session signed in; sessions older than the account's `sessionsValidAfter` are void.
    var signedInAt: Double?
    /// An account whose password was accepted and that waits for its SMS code.
    var pendingAccountID: Int64?
    var pendingSince: Double?
    /// The email a password-reset code was sent to.
    var resetEmail: String?
    /// A one-shot notice for the next page ("Two-factor authentication is on").
    var flash: String?
}

extension WebSession {
    static func fresh(flash: String?) -> WebSession {
        var session = WebSession(csrfToken: OpaqueToken.make())
        session.flash = flash
        return session
    }
}
