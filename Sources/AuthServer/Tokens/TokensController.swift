import Hummingbird
import JWTKit
import Logging

/// `POST /api/auth/refresh`, `POST /api/auth/logout` and the public keys at
/// `/.well-known/jwks.json`.
struct TokensController: Sendable {
    let issuer: TokenIssuer
    let accounts: AccountStore
    /// How many proxies in front append to `X-Forwarded-For`, for the session's address.
    let trustedProxies: Int
    let logger: Logger

    var tokens: TokenService { issuer.tokens }
    var refreshTokens: RefreshTokenStore { issuer.refreshTokens }
    var refresher: SessionRefresher { SessionRefresher(issuer: issuer, accounts: accounts, logger: logger) }

    /// `signedIn` is the group behind ``BearerAuthenticator`` admitting any token.
    func addRoutes(to router: Router<AuthRequestContext>, signedIn: RouterGroup<AuthRequestContext>) {
        router.post("/api/auth/refresh", use: refresh)
        signedIn.post("/api/auth/logout", use: logout)
        router.get("/.well-known/jwks.json") { _, _ in
            try JSONResponse.make(KeySet(keys: try tokens.jwks()), headers: [.cacheControl: "public, max-age=300"])
        }
    }

    struct RefreshRequest: Decodable {
        var refreshToken: String
        enum CodingKeys: String, CodingKey { case refreshToken = "refresh_token" }
    }

    /// `POST /api/auth/refresh {"refresh_token"}`: rotates the refresh token and issues a new
    /// access token. A token that was already rotated revokes its whole family.
    @Sendable func refresh(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let body = try await JSONRequest.decode(RefreshRequest.self, from: request)
        let client = SessionClient(
            ip: context.clientIP(request, trustedProxies: trustedProxies), userAgent: request.headers[.userAgent])
        switch try await refresher.refresh(body.refreshToken, client: client) {
        case .success(let refreshed):
            return try JSONResponse.uncached(
                try await issuer.grant(
                    refreshed.subject, family: refreshed.family, refreshToken: refreshed.refreshToken))
        case .failure(let refusal):
            throw APIError.unauthorized(refusal.message)
        }
    }

    /// `POST /api/auth/logout` with the access token: revokes its refresh-token family and
    /// denylists the access token until it expires.
    @Sendable func logout(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let claims = try context.requireBearer()
        try await refreshTokens.logout(
            family: claims.fid, jti: claims.jti.value, accessExpiresAt: claims.exp.value, now: tokens.now())
        await issuer.audit.record(AuditEvent(.sessionRevoked, subject: claims.sub.value, detail: ["reason": "logout"]))
        return try JSONResponse.make(MessageBody("Logged out"))
    }
}

/// `{"keys": [...]}`: a JWKS.
struct KeySet: Encodable, Sendable {
    var keys: [[String: String]]
}
