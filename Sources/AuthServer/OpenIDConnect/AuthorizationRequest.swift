/// An authorization request (`/oauth/authorize`), checked as RFC 6749 §4.1.1, OpenID Connect
/// Core §3.1.2.1, RFC 7636 (PKCE) and RFC 9700 require. What is wrong with the client or the
/// redirect URI is shown to the person and never sent anywhere (``Refusal/notRedirectable``):
/// redirecting then would make this server an open redirector. Anything else wrong is sent back
/// to the client's redirect URI as an ``OAuthError``.
struct AuthorizationRequest: Sendable, Equatable {
    var client: OAuthClient
    var redirectURI: String
    var scopes: Set<OAuthScope>
    var state: String?
    var nonce: String?
    var codeChallenge: String?
    /// `prompt=login`: sign in again even with a live session.
    var forceLogin: Bool
    /// `prompt=none`: never show a page; `login_required` when not signed in.
    var noPrompt: Bool
    /// `max_age`: the longest time since the last sign-in accepted, in seconds.
    var maxAge: Int?

    enum Refusal: Error, Sendable, Equatable {
        /// Shown on a page: the client or the redirect URI cannot be trusted.
        case notRedirectable(String)
        /// Sent to the client's redirect URI with `state`.
        case redirect(OAuthError, redirectURI: String, state: String?)
    }

    /// The longest `state` and `nonce` accepted; clients use a few dozen characters.
    static let longestValue = 512

    /// Reads `parameters` (the query); `client` is the one registered as its `client_id`, if any.
    static func parse(
        _ parameters: [String: String], client: OAuthClient?
    ) -> Result<AuthorizationRequest, Refusal> {
        guard let clientID = parameters["client_id"], !clientID.isEmpty else {
            return .failure(.notRedirectable("The request names no client (client_id)."))
        }
        guard let client, client.id == clientID else {
            return .failure(.notRedirectable("No application is registered as \(clientID.prefix(100))."))
        }
        // exact string comparison, as registered (RFC 9700 §4.1.3): no prefix, no normalisation
        guard let redirectURI = parameters["redirect_uri"], client.redirectURIs.contains(redirectURI) else {
            return .failure(
                .notRedirectable(
                    parameters["redirect_uri"] == nil
                        ? "The request names no redirect_uri."
                        : "The redirect_uri is not one registered for \(client.name)."))
        }
        let state = parameters["state"]
        func refuse(_ code: OAuthError.Code, _ description: String) -> Result<AuthorizationRequest, Refusal> {
            .failure(.redirect(OAuthError(code, description), redirectURI: redirectURI, state: state))
        }
        if let state, state.utf8.count > longestValue { return refuse(.invalidRequest, "state is too long") }
        if parameters["request"] != nil { return refuse(.requestNotSupported, "request objects are not supported") }
        if parameters["request_uri"] != nil {
            return refuse(.requestURINotSupported, "request_uri is not supported")
        }
        guard parameters["response_type"] == "code" else {
            return refuse(
                .unsupportedResponseType,
                "response_type must be code (the implicit and hybrid flows put tokens in URLs and are not offered)")
        }
        if let mode = parameters["response_mode"], mode != "query" {
            return refuse(.invalidRequest, "response_mode must be query")
        }
        let scopes: Set<OAuthScope>
        switch OAuthScope.parse(parameters["scope"] ?? "") {
        case .success(let parsed): scopes = parsed
        case .failure(let unknown): return refuse(.invalidScope, "\(unknown.name.prefix(50)) is not a scope")
        }
        guard scopes.contains(.openid) else { return refuse(.invalidScope, "scope must include openid") }
        if let extra = scopes.subtracting(client.scopes).sorted().first {
            return refuse(.invalidScope, "\(client.name) may not ask for \(extra.rawValue)")
        }
        let nonce = parameters["nonce"]
        if let nonce, nonce.utf8.count > longestValue { return refuse(.invalidRequest, "nonce is too long") }
        let challenge = parameters["code_challenge"]
        if let challenge {
            // S256 only: "plain" sends the verifier itself through the browser (RFC 9700 §2.1.1)
            guard parameters["code_challenge_method"] == "S256" else {
                return refuse(.invalidRequest, "code_challenge_method must be S256")
            }
            guard challenge.utf8.count == 43, challenge.utf8.allSatisfy(PKCE.isBase64URL) else {
                return refuse(
                    .invalidRequest, "code_challenge must be the base64url SHA-256 of the verifier (43 characters)")
            }
        } else if client.isPublic {
            return refuse(.invalidRequest, "a public client must use PKCE (code_challenge with S256)")
        } else if parameters["code_challenge_method"] != nil {
            return refuse(.invalidRequest, "code_challenge_method without code_challenge")
        }
        let prompts = Set((parameters["prompt"] ?? "").split(separator: " ").map(String.init))
        if let unknown = prompts.subtracting(["none", "login", "consent", "select_account"]).first {
            return refuse(.invalidRequest, "prompt \(unknown.prefix(50)) is not known")
        }
        if prompts.contains("none") && prompts.count > 1 {
            return refuse(.invalidRequest, "prompt=none cannot be combined with other values")
        }
        var maxAge: Int?
        if let text = parameters["max_age"] {
            guard let seconds = Int(text), seconds >= 0 else {
                return refuse(.invalidRequest, "max_age must be a whole number of seconds")
            }
            maxAge = seconds
        }
        return .success(
            AuthorizationRequest(
                client: client, redirectURI: redirectURI, scopes: scopes, state: state, nonce: nonce,
                codeChallenge: challenge, forceLogin: prompts.contains("login"), noPrompt: prompts.contains("none"),
                maxAge: maxAge))
    }
}
