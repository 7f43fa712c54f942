import Crypto
import JWTKit
import Synchronization
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The OpenID Connect provider's rules, without HTTP: which browser sign-in answers an
/// authorization request, what a code grants, how clients prove themselves, what a token
/// endpoint answers. ``OpenIDController`` and the pages (`WebApp+Authorize.swift`) speak HTTP.
struct OpenIDProvider: Sendable {
    let settings: OpenIDSettings
    let clients: OAuthClientRegistry
    let codes: AuthorizationCodeStore
    let issuer: TokenIssuer
    let refresher: SessionRefresher
    let signer: IDTokenSigner
    let accounts: AccountStore
    let passwords: Passwords
    /// The rule every protected route applies to an access token, for introspection.
    let liveTokens: LiveAccessTokens
    /// SHA-256 of each client's secret once bcrypt accepted it: the token endpoint is called on
    /// every sign-in, and a bcrypt check costs a quarter of a second of CPU at cost 12.
    private let acceptedSecrets = AcceptedSecrets()

    init(
        settings: OpenIDSettings, clients: OAuthClientRegistry, codes: AuthorizationCodeStore, issuer: TokenIssuer,
        refresher: SessionRefresher,
        signer: IDTokenSigner, accounts: AccountStore, passwords: Passwords, liveTokens: LiveAccessTokens
    ) {
        self.liveTokens = liveTokens
        self.settings = settings
        self.clients = clients
        self.codes = codes
        self.issuer = issuer
        self.refresher = refresher
        self.signer = signer
        self.accounts = accounts
        self.passwords = passwords
    }

    var now: @Sendable () -> Date { issuer.tokens.now }

    /// Who a browser session is signed in as, since when and how.
    struct SignedIn: Sendable, Equatable {
        var subject: TokenSubject
        var authTime: Double
        var methods: [String]
    }

    /// Whether `signedIn` answers `request` made at `requestedAt` without a new sign-in: not
    /// when the request asked for one (`prompt=login`, resumed only by a sign-in after it was
    /// made) or its `max_age` has passed since the sign-in.
    func answers(_ request: AuthorizationRequest, signedIn: SignedIn, freshSince: Double?) -> Bool {
        if let freshSince, signedIn.authTime < freshSince { return false }
        if freshSince == nil, request.forceLogin { return false }
        if let maxAge = request.maxAge, now().timeIntervalSince1970 - signedIn.authTime > Double(maxAge) {
            return false
        }
        return true
    }

    /// A code for `request`, signed in as `signedIn`, and where the browser takes it:
    /// the redirect URI with `code`, `state` and `iss` (RFC 9207).
    func issueCode(for request: AuthorizationRequest, signedIn: SignedIn, browser: SessionClient) async throws -> String
    {
        let code = try await codes.issue(
            AuthorizationGrant(
                clientID: request.client.id, redirectURI: request.redirectURI, subject: signedIn.subject.claim,
                scopes: request.scopes, nonce: request.nonce, codeChallenge: request.codeChallenge,
                authTime: signedIn.authTime, methods: signedIn.methods, browser: browser),
            now: now())
        return redirect(request.redirectURI, [("code", code), ("state", request.state), ("iss", settings.issuer)])
    }

    /// Where the browser is sent with `error` for a refused request.
    func redirect(_ error: OAuthError, to redirectURI: String, state: String?) -> String {
        redirect(
            redirectURI,
            [
                ("error", error.code.rawValue), ("error_description", error.description), ("state", state),
                ("iss", settings.issuer),
            ])
    }

    /// `uri` with `parameters` added to its query (RFC 6749 §3.1.2: a registered query is kept).
    func redirect(_ uri: String, _ parameters: [(String, String?)]) -> String {
        let query = parameters.compactMap { name, value in value.map { "\(name)=\(FormData.encode($0))" } }
            .joined(separator: "&")
        return uri + (uri.contains("?") ? "&" : "?") + query
    }

    // MARK: - Clients

    /// The credentials a token request came with.
    struct ClientCredentials: Sendable, Equatable {
        var id: String?
        var secret: String?
        /// Sent in an `Authorization: Basic` header (client_secret_basic), not in the form.
        var basic: Bool
    }

    /// The client that `credentials` prove, or `invalid_client`.
    func authenticate(_ credentials: ClientCredentials) async throws -> Result<OAuthClient, OAuthError> {
        let refused = OAuthError(.invalidClient, "Client authentication failed")
        guard let id = credentials.id, let client = try await clients.client(id) else { return .failure(refused) }
        switch client.authentication {
        case .publicClient:
            // a public client has no secret to check; sending one is a misconfiguration
            return credentials.secret == nil ? .success(client) : .failure(refused)
        case .plainSecret(let expected):
            guard let secret = credentials.secret, ConstantTime.equal(secret, expected) else {
                return .failure(refused)
            }
            return .success(client)
        case .secretHash(let hash):
            guard let secret = credentials.secret else { return .failure(refused) }
            // by hash, not by id: a client removed and registered again under its id has a new hash
            let digest = Array(SHA256.hash(data: Data(secret.utf8)))
            if let known = acceptedSecrets.digests.withLock({ $0[hash] }), ConstantTime.equal(known, digest) {
                return .success(client)
            }
            guard try await passwords.verify(secret, hash: hash) else { return .failure(refused) }
            acceptedSecrets.digests.withLock { $0[hash] = digest }
            return .success(client)
        }
    }

    // MARK: - Tokens

    /// A token endpoint's answer (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3).
    struct TokenResponse: Encodable, Sendable {
        var accessToken: String
        var tokenType = "Bearer"
        var expiresIn: Int
        var idToken: String?
        var refreshToken: String?
        var scope: String

        enum CodingKeys: String, CodingKey {
            case scope
            case accessToken = "access_token"
            case tokenType = "token_type"
            case expiresIn = "expires_in"
            case idToken = "id_token"
            case refreshToken = "refresh_token"
        }
    }

    /// The `authorization_code` grant: `code` redeemed by `client`, with the request's
    /// `redirect_uri` repeated and PKCE's verifier.
    func exchange(
        code: String, redirectURI: String?, verifier: String?, client: OAuthClient
    ) async throws -> Result<TokenResponse, OAuthError> {
        let grant: AuthorizationGrant
        let family: String
        switch try await codes.redeem(code, now: now()) {
        case .unknown, .expired:
            return .failure(OAuthError(.invalidGrant, "The code is unknown or expired"))
        case .replayed(let family, let subject):
            // the code leaked or was sent twice: what its first use issued is revoked (RFC 9700 §4.5)
            if let family {
                try await issuer.refreshTokens.endSessions(subject: subject, only: family, keeping: nil, now: now())
            }
            await issuer.audit.record(
                AuditEvent(.sessionRevoked, subject: subject, detail: ["reason": "authorization_code_reused"]))
            return .failure(OAuthError(.invalidGrant, "The code was used already; the tokens it gave are revoked"))
        case .redeemed(let redeemed, let started):
            grant = redeemed
            family = started
        }
        guard grant.clientID == client.id else {
            return .failure(OAuthError(.invalidGrant, "The code was issued to another client"))
        }
        guard redirectURI == grant.redirectURI else {
            return .failure(OAuthError(.invalidGrant, "redirect_uri differs from the authorization request's"))
        }
        switch (grant.codeChallenge, verifier) {
        case (let challenge?, let verifier?):
            guard PKCE.verifies(verifier, challenge: challenge) else {
                return .failure(OAuthError(.invalidGrant, "code_verifier does not match the code_challenge"))
            }
        case (.some, nil):
            return .failure(OAuthError(.invalidGrant, "code_verifier is required: the request sent a code_challenge"))
        case (nil, .some):
            // a verifier for a request that had no challenge: a downgrade attempt (RFC 9700 §2.1.1)
            return .failure(OAuthError(.invalidGrant, "code_verifier sent, but the request had no code_challenge"))
        case (nil, nil):
            break
        }
        let subject = TokenSubject(grant.subject)
        guard let person = try await PersonClaims.of(subject, scopes: grant.scopes, accounts: accounts) else {
            return .failure(OAuthError(.invalidGrant, "The account is disabled or deleted"))
        }
        let scope = OAuthScope.text(grant.scopes)
        let started = try await issuer.refreshTokens.startFamily(
            subject: grant.subject, now: now(), lifetime: issuer.refreshLifetime, client: grant.browser,
            family: family, grant: ClientGrant(client: client.id, scope: scope))
        let access = try await issuer.tokens.issueAccessToken(
            for: grant.subject, family: family, grant: (client.id, scope))
        issuer.metrics.tokensIssued()
        let issuedAt = Int(now().timeIntervalSince1970)
        let idToken = try await signer.sign(
            IDTokenClaims(
                iss: settings.issuer, aud: client.id, exp: issuedAt + Int(OpenIDSettings.idTokenLifetime),
                iat: issuedAt, authTime: Int(grant.authTime), nonce: grant.nonce, amr: grant.methods, person: person),
            for: client)
        return .success(
            TokenResponse(
                accessToken: access.token, expiresIn: Int(access.expiresAt.timeIntervalSince(now()).rounded()),
                idToken: idToken, refreshToken: grant.scopes.contains(.offlineAccess) ? started.token : nil,
                scope: scope))
    }

    /// The `refresh_token` grant: the session continues, for the client it was issued to only;
    /// `scope`, when given, may narrow what was granted, never widen it.
    func refresh(
        _ token: String, scope requested: String?, client: OAuthClient
    ) async throws -> Result<
        TokenResponse, OAuthError
    > {
        switch try await refresher.refresh(token, client: nil, oauthClient: client.id) {
        case .failure(let refusal):
            return .failure(OAuthError(.invalidGrant, refusal.message))
        case .success(let refreshed):
            let granted = (try? OAuthScope.parse(refreshed.grant?.scope ?? "").get()) ?? []
            var scopes = granted
            if let requested {
                switch OAuthScope.parse(requested) {
                case .success(let asked) where asked.isSubset(of: granted): scopes = asked
                default: return .failure(OAuthError(.invalidScope, "scope may only narrow what was granted"))
                }
            }
            let scope = OAuthScope.text(scopes)
            let access = try await issuer.tokens.issueAccessToken(
                for: refreshed.subject.claim, family: refreshed.family, grant: (client.id, scope))
            issuer.metrics.tokensIssued()
            return .success(
                TokenResponse(
                    accessToken: access.token, expiresIn: Int(access.expiresAt.timeIntervalSince(now()).rounded()),
                    refreshToken: refreshed.refreshToken, scope: scope))
        }
    }

    /// Userinfo's claims for a verified access token: only a token issued to a client with
    /// `openid` granted; nil otherwise.
    func userinfo(_ claims: AccessClaims) async throws -> Result<PersonClaims, OAuthError> {
        guard claims.clientID != nil, let scope = claims.scope,
            let scopes = try? OAuthScope.parse(scope).get(), scopes.contains(.openid)
        else {
            return .failure(OAuthError(.invalidToken, "This access token was not issued for OpenID Connect"))
        }
        guard let person = try await PersonClaims.of(TokenSubject(claims.sub.value), scopes: scopes, accounts: accounts)
        else { return .failure(OAuthError(.invalidToken, "The account is disabled or deleted")) }
        return .success(person)
    }
}

/// The digests of client secrets bcrypt accepted, by the hash they matched, shared by every copy
/// of the provider.
final class AcceptedSecrets: Sendable {
    let digests = Mutex<[String: [UInt8]]>([:])
}
