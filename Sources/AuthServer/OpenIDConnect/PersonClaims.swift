/// What the ID token and userinfo say about the person, by the scopes granted (OpenID Connect
/// Core §5.4): `profile` gives the username, `email` the email (never verified by this server,
/// so `email_verified` is false), `phone` the number and `phone_number_verified` (true: every
/// number here was proven by a code). A phone login has no profile or email.
struct PersonClaims: Codable, Sendable, Equatable {
    var sub: String
    var preferredUsername: String?
    var email: String?
    var emailVerified: Bool?
    var phoneNumber: String?
    var phoneNumberVerified: Bool?

    enum CodingKeys: String, CodingKey {
        case sub, email
        case preferredUsername = "preferred_username"
        case emailVerified = "email_verified"
        case phoneNumber = "phone_number"
        case phoneNumberVerified = "phone_number_verified"
    }

    /// The claims of `subject` that `scopes` allow; nil when the subject is gone (an account
    /// deleted or disabled since).
    static func of(
        _ subject: TokenSubject, scopes: Set<OAuthScope>, accounts: AccountStore
    ) async throws -> PersonClaims? {
        var claims = PersonClaims(sub: subject.claim)
        switch subject {
        case .phoneNumber(let phone):
            if scopes.contains(.phone) {
                claims.phoneNumber = phone
                claims.phoneNumberVerified = true
            }
        case .account(let sid):
            guard let account = try await accounts.find(sid: sid), !account.isDisabled else { return nil }
            if scopes.contains(.profile) { claims.preferredUsername = account.username }
            if scopes.contains(.email) {
                claims.email = account.email
                claims.emailVerified = false
            }
            if scopes.contains(.phone), let phone = account.phone {
                claims.phoneNumber = phone
                claims.phoneNumberVerified = true
            }
        }
        return claims
    }
}
