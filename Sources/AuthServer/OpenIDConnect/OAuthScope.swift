/// A scope an OpenID Connect client may ask for: what the ID token and userinfo may say about
/// the person, and whether the client gets a refresh token.
public enum OAuthScope: String, Sendable, CaseIterable, Comparable {
    /// An OpenID Connect sign-in: an ID token is issued.
    case openid
    /// `preferred_username` (an account's username).
    case profile
    /// `email` and `email_verified` (accounts).
    case email
    /// `phone_number` and `phone_number_verified`.
    case phone
    /// A refresh token, so the client keeps access after the access token expires.
    case offlineAccess = "offline_access"

    public static func < (left: OAuthScope, right: OAuthScope) -> Bool {
        allCases.firstIndex(of: left)! < allCases.firstIndex(of: right)!
    }

    /// The scopes of a space-separated `scope` parameter, or the first unknown one.
    static func parse(_ text: String) -> Result<Set<OAuthScope>, UnknownScope> {
        var scopes = Set<OAuthScope>()
        for name in text.split(separator: " ", omittingEmptySubsequences: true) {
            guard let scope = OAuthScope(rawValue: String(name)) else {
                return .failure(UnknownScope(name: String(name)))
            }
            scopes.insert(scope)
        }
        return .success(scopes)
    }

    /// A `scope` parameter naming no scope this server knows.
    struct UnknownScope: Error {
        var name: String
    }

    /// Scopes as a `scope` parameter: space-separated, in a fixed order.
    static func text(_ scopes: Set<OAuthScope>) -> String {
        scopes.sorted().map(\.rawValue).joined(separator: " ")
    }
}
