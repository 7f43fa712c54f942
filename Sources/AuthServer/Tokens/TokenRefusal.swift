/// Why a bearer token was refused; `message` is the `msg` the client sees, as
/// flask-jwt-extended words it, and `reason` the closed set `auth_server_tokens_refused_total`
/// counts by.
public struct TokenRefusal: Error, Sendable, Equatable {
    /// What was wrong with the token (or its absence).
    public enum Reason: String, Sendable, CaseIterable {
        /// No `Authorization: Bearer` header.
        case missing
        /// Not a JWT of the shape this server issues (segments, header, claims).
        case malformed
        /// The signature does not verify, or is not in canonical form.
        case badSignature = "bad_signature"
        /// An `alg` this server does not accept.
        case algorithmNotAllowed = "algorithm_not_allowed"
        /// A `kid` that is not (or no longer) an active key.
        case unknownKey = "unknown_key"
        case expired
        case notYetValid = "not_yet_valid"
        /// A refresh token where an access token belongs.
        case wrongType = "wrong_type"
        case wrongIssuer = "wrong_issuer"
        case wrongAudience = "wrong_audience"
        /// Logged out, rotated away, or issued before a password change, reset or disable.
        case revoked
        /// The account it names is unknown or disabled.
        case accountUnusable = "account_unusable"
    }

    public var reason: Reason
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }
}
