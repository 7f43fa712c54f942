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
        switch try await LiveAccessTokens(tokens: tokens, refreshTokens: refreshTokens, accounts: accounts).check(
            try bearerToken(request))
        {
        case .failure(let refusal):
            throw APIError.unauthorized(refusal)
        case .success(let (claims, account)):
            if account == nil, admits == .accounts {
                throw APIError(status: .forbidden, message: "This token belongs to a phone login, not an account")
            }
            context.bearer = claims
            context.account = account
        }
        return context
    }

    /// The token of the `Authorization: Bearer` header.
    private func bearerToken(_ request: Request) throws -> String {
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
        return String(parts[1])
    }
}
