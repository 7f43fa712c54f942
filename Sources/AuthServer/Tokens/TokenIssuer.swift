import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Starts and continues logins: a new refresh-token family and its first access token for a
/// fresh login (SMS or password), and the rotation of a refresh token. Shared by the SMS login,
/// the accounts API and the refresh endpoint, so every login gets the same tokens.
struct TokenIssuer: Sendable {
    let tokens: TokenService
    let refreshTokens: RefreshTokenStore
    let refreshLifetime: TimeInterval
    let metrics: AuthMetrics
    /// Where every login's and session's security events go.
    let audit: AuditLog

    /// A fresh login of `subject`: a new family, its refresh token and an access token; with
    /// `event`, the login's audit event, written in the family's own statement (one statement
    /// fewer per login, and the event commits with the tokens) unless the webhook wants it.
    func startLogin(
        _ subject: TokenSubject, message: String, username: String? = nil, client: SessionClient,
        recording event: AuditEvent? = nil
    ) async throws -> Response {
        let together = event.flatMap(audit.insertion)
        let family = try await refreshTokens.startFamily(
            subject: subject.claim, now: tokens.now(), lifetime: refreshLifetime, client: client,
            alongside: together.map { [$0] } ?? [])
        if let event, together == nil { await audit.record(event) }
        var grant = try await grant(subject, family: family.family, refreshToken: family.token)
        grant.message = message
        grant.authenticated = true
        grant.username = username
        return try JSONResponse.uncached(grant)
    }

    /// Access and refresh tokens for `subject` in `family`.
    func grant(_ subject: TokenSubject, family: String, refreshToken: String) async throws -> TokenGrant {
        let issued = try await tokens.issueAccessToken(for: subject.claim, family: family)
        metrics.tokensIssued()
        var grant = TokenGrant(
            token: issued.token, accessToken: issued.token, refreshToken: refreshToken,
            expiresIn: Int(issued.expiresAt.timeIntervalSince(tokens.now()).rounded()))
        switch subject {
        case .phoneNumber(let phone): grant.phoneNumber = phone
        case .account(let sid): grant.accountSid = sid
        }
        return grant
    }
}

/// A login's tokens, never cached by anyone on the way. `token` repeats `access_token` for the
/// clients of the original contract.
struct TokenGrant: Encodable, Sendable {
    var token: String
    var accessToken: String
    var refreshToken: String
    var tokenType = "Bearer"
    var expiresIn: Int
    var phoneNumber: String?
    var accountSid: String?
    var message: String?
    var authenticated: Bool?
    var username: String?
}
