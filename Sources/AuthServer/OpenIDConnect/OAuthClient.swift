/// An application registered to sign people in through this server (OpenID Connect), in
/// `OAUTH_CLIENTS_FILE` or through the admin API (``OAuthClientRegistry``). Consent is implicit:
/// every registered client is first-party.
public struct OAuthClient: Sendable, Equatable {
    public var id: String
    /// Shown on the sign-in pages ("Sign in to …"); the client id when the file names none.
    public var name: String
    public var authentication: Authentication
    /// The only places codes are sent: compared to a request's `redirect_uri` as exact strings.
    public var redirectURIs: [String]
    /// Where RP-initiated logout may send the browser afterwards, exactly as listed.
    public var postLogoutRedirectURIs: [String]
    /// The scopes this client may be granted.
    public var scopes: Set<OAuthScope>
    /// How its ID tokens are signed: RS256 unless it asks for the access tokens' ES256 or EdDSA.
    public var idTokenAlgorithm: IDTokenAlgorithm

    /// How a client proves it is itself at the token, introspection and revocation endpoints.
    public enum Authentication: Sendable, Equatable {
        /// No secret (a browser or native app): PKCE with S256 is required instead.
        case publicClient
        /// A bcrypt hash of the secret, checked as passwords are.
        case secretHash(String)
        /// The secret itself, accepted with a start-up warning.
        case plainSecret(String)
    }

    public var isPublic: Bool { authentication == .publicClient }
}

/// The algorithms an ID token may be signed with.
public enum IDTokenAlgorithm: String, Sendable, Equatable {
    /// OpenID Connect's required algorithm, with the RSA keys in `JWT_KEYS_DIR`.
    case rs256 = "RS256"
    /// With the access tokens' key set, when `JWT_ALGORITHM` is ES256.
    case es256 = "ES256"
    /// With the access tokens' key set, when `JWT_ALGORITHM` is EdDSA.
    case eddsa = "EdDSA"
}

extension IDTokenAlgorithm {
    /// Why ID tokens cannot be signed with this algorithm when access tokens use
    /// `accessAlgorithm`, or nil: ES256 and EdDSA use the access tokens' keys.
    func problem(signingWith accessAlgorithm: SigningAlgorithm) -> String? {
        guard self != .rs256, rawValue != accessAlgorithm.rawValue else { return nil }
        return "\(rawValue) needs JWT_ALGORITHM=\(rawValue) and its keys"
    }
}
