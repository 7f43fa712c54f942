import Hummingbird
import JWTKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Authenticates the protected JSON routes once, before their handlers: the bearer token's
/// signature and claims, the `jti` denylist, and (for account tokens) the account itself. The
/// handler finds the claims in ``AuthRequestContext/bearer`` and the account in
/// ``AuthRequestContext/account``.
///
/// ```swift
/// let signedIn = router.group().add(middleware: BearerAuthenticator(…, admits: .accounts))
/// signedIn.get("/api/accounts/me") { _, context in … context.account! … }
/// ```
struct BearerAuthenticator: RouterMiddleware {
    typealias Context = AuthRequestContext

    /// Which tokens a group of routes admits.
    enum Admits: Sendable {
        /// Any valid token that is not revoked, whoever it names (logout).
        case anyToken
        /// Any valid token; one naming an account also needs that account to be usable.
        case phoneNumbersAndAccounts
        /// Only account tokens whose account is usable; a phone login's token is 403.
        case accounts
    }

    let tokens: TokenService
    let refreshTokens: RefreshTokenStore
    let accounts: AccountStore
    let admits: Admits
    let metrics: AuthMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let authenticated: Context
        do {
            authenticated = try await authenticate(request, context: context)
        } catch let error as APIError where error.status == .unauthorized {
            // the token's refusals only: a handler's own 401 after this is not one
            metrics.tokenRefused(error.refusal ?? .malformed)
            throw error
        }
        return try await next(request, authenticated)
    }

    /// The context with the bearer's claims (and account), or the refusal.
    private func authenticate(_ request: Request, context: Context) async throws -> Context {
        var context = context
        let (claims, revoked) = try await verifiedClaims(request)
        context.bearer = claims
        switch (TokenSubject(claims.sub.value), admits) {
        case (_, .anyToken), (.phoneNumber, .phoneNumbersAndAccounts):
            if revoked { throw APIError.unauthorized(TokenRefusal(.revoked, "Token has been revoked")) }
        case (.phoneNumber, .accounts):
            if revoked { throw APIError.unauthorized(TokenRefusal(.revoked, "Token has been revoked")) }
            throw APIError(status: .forbidden, message: "This token belongs to a phone login, not an account")
        case (.account(let sid), _):
            // the account first: a disabled account is said as such, whether or not this replica
            // has yet heard that disabling it revoked its tokens
            context.account = try await usableAccount(sid: sid, issuedAt: claims.iat.value)
            if revoked { throw APIError.unauthorized(TokenRefusal(.revoked, "Token has been revoked")) }
        }
        return context
    }

    /// The token's claims, and whether it was revoked (by `jti`, or with its refresh family).
    private func verifiedClaims(_ request: Request) async throws -> (AccessClaims, revoked: Bool) {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized(TokenRefusal(.missing, "Missing Authorization Header"))
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized(
                TokenRefusal(
                    .missing, "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'")
            )
        }
        let claims: AccessClaims
        do {
            claims = try await tokens.verify(String(parts[1]))
        } catch {
            throw APIError.unauthorized(error)
        }
        // logout, a replayed refresh token, a password change, reset or disable revoke the family
        let revoked =
            refreshTokens.isRevoked(jti: claims.jti.value)
            || claims.fid.map { refreshTokens.isRevoked(family: $0) } ?? false
        return (claims, revoked)
    }

    /// The account of an account token: refused once the account is disabled, or when the token
    /// predates a password change or reset.
    private func usableAccount(sid: String, issuedAt: Date) async throws -> UserAccount {
        guard let account = try await accounts.find(sid: sid) else {
            throw APIError.unauthorized(TokenRefusal(.accountUnusable, "Unknown account"))
        }
        guard !account.isDisabled else {
            throw APIError.unauthorized(TokenRefusal(.accountUnusable, "This account is disabled"))
        }
        guard issuedAt.timeIntervalSince1970 >= account.sessionsValidAfter.rounded(.down) else {
            throw APIError.unauthorized(TokenRefusal(.revoked, "Token has been revoked"))
        }
        return account
    }
}
