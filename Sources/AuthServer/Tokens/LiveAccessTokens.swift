import JWTKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one rule for whether an access token is good now, for the protected routes
/// (``BearerAuthenticator``) and for introspection alike: its signature and claims
/// (``TokenService``), its `jti` and its family not revoked (logout, a replayed refresh token or
/// code, a revoked session), and for an account's token the account usable and the token newer
/// than its last password change or reset.
struct LiveAccessTokens: Sendable {
    let tokens: TokenService
    let refreshTokens: RefreshTokenStore
    let accounts: AccountStore

    /// The claims and (for an account's token) the account, or why the token is refused. The
    /// account is judged before revocation: a disabled account is said as such whether or not
    /// this replica has yet heard that disabling it revoked its tokens.
    func check(_ token: String) async throws -> Result<(AccessClaims, UserAccount?), TokenRefusal> {
        let claims: AccessClaims
        do {
            claims = try await tokens.verify(token)
        } catch {
            return .failure(error)
        }
        var account: UserAccount?
        if case .account(let sid) = TokenSubject(claims.sub.value) {
            guard let found = try await accounts.find(sid: sid) else {
                return .failure(TokenRefusal(.accountUnusable, "Unknown account"))
            }
            guard !found.isDisabled else {
                return .failure(TokenRefusal(.accountUnusable, "This account is disabled"))
            }
            guard claims.iat.value.timeIntervalSince1970 >= found.sessionsValidAfter.rounded(.down) else {
                return .failure(TokenRefusal(.revoked, "Token has been revoked"))
            }
            account = found
        }
        if refreshTokens.isRevoked(jti: claims.jti.value)
            || claims.fid.map({ refreshTokens.isRevoked(family: $0) }) ?? false
        {
            return .failure(TokenRefusal(.revoked, "Token has been revoked"))
        }
        return .success((claims, account))
    }
}
