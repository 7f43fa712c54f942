import Logging

/// The one rule for continuing a session with its refresh token, for the JSON API's
/// `/api/auth/refresh` and OpenID Connect's `refresh_token` grant alike: the token rotates in
/// its family (only for the client the family was issued to); a token used twice revokes the
/// family, is logged and audited; an account's session ends once the account is disabled.
struct SessionRefresher: Sendable {
    let issuer: TokenIssuer
    let accounts: AccountStore
    let logger: Logger

    /// A rotated session: its subject, family, next refresh token and, for a client's
    /// session, what the client was granted.
    struct Refreshed: Sendable {
        var subject: TokenSubject
        var family: String
        var refreshToken: String
        var grant: ClientGrant?
    }

    /// Why a refresh token was refused, in words both endpoints show.
    enum Refusal: Error, Sendable, Equatable {
        case unknown, expired, revoked, reused, disabled, wrongClient

        var message: String {
            switch self {
            case .unknown: "Invalid refresh token"
            case .expired: "Refresh token has expired"
            case .revoked: "Refresh token has been revoked"
            case .reused: "Refresh token reuse detected; the session was revoked, log in again"
            case .disabled: "This account is disabled"
            case .wrongClient: "This refresh token was not issued to this client"
            }
        }
    }

    /// Rotates `token` for `oauthClient` (nil: the JSON API); `client` (where the request came
    /// from) updates the device session, unless nil (a client's server, not the person's device).
    func refresh(
        _ token: String, client: SessionClient?, oauthClient: String? = nil
    ) async throws -> Result<Refreshed, Refusal> {
        let outcome = try await issuer.refreshTokens.rotate(
            token, now: issuer.tokens.now(), lifetime: issuer.refreshLifetime, client: client,
            oauthClient: oauthClient)
        switch outcome {
        case .rotated(let next, let family, let subject, let grant):
            let subject = TokenSubject(subject)
            if case .account(let sid) = subject {
                // an account's refresh stops working once it is disabled or its password changed
                guard let account = try await accounts.find(sid: sid), !account.isDisabled else {
                    return .failure(.disabled)
                }
            }
            return .success(Refreshed(subject: subject, family: family, refreshToken: next, grant: grant))
        case .unknown: return .failure(.unknown)
        case .expired: return .failure(.expired)
        case .revoked: return .failure(.revoked)
        case .wrongClient: return .failure(.wrongClient)
        case .reused(let subject):
            logger.warning("refresh token reuse detected; its family was revoked")
            await issuer.audit.record(
                AuditEvent(.sessionRevoked, subject: subject, detail: ["reason": "refresh_token_reused"]))
            return .failure(.reused)
        }
    }
}
