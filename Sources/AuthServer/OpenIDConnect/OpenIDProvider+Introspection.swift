import JWTKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Introspection (RFC 7662) and revocation (RFC 7009): what a resource server asks of a token,
/// and how a client gives one up.
extension OpenIDProvider {
    /// An introspection answer: `active` false says nothing more about the token (RFC 7662 §2.2).
    struct Introspection: Encodable, Sendable, Equatable {
        var active: Bool
        var sub: String?
        var clientID: String?
        var scope: String?
        var exp: Int?
        var iat: Int?
        var iss: String?
        var tokenType: String?
        var username: String?

        static let inactive = Introspection(active: false)

        enum CodingKeys: String, CodingKey {
            case active, sub, scope, exp, iat, iss, username
            case clientID = "client_id"
            case tokenType = "token_type"
        }
    }

    /// What `token` is now, asked by `caller`: an access token by the rule every protected
    /// route applies (so it is inactive at once after logout, revocation or a password change,
    /// on every replica); a refresh token only when the caller is the client it was issued to.
    func introspect(_ token: String, caller: OAuthClient) async throws -> Introspection {
        if Self.looksLikeJWT(token) {
            guard case .success(let (claims, account)) = try await liveTokens.check(token) else { return .inactive }
            return Introspection(
                active: true, sub: claims.sub.value, clientID: claims.clientID, scope: claims.scope,
                exp: Int(claims.exp.value.timeIntervalSince1970), iat: Int(claims.iat.value.timeIntervalSince1970),
                iss: claims.iss?.value, tokenType: "access_token", username: account?.username)
        }
        guard let info = try await issuer.refreshTokens.describe(token, now: now()), info.usable,
            info.grant?.client == caller.id, !issuer.refreshTokens.isRevoked(family: info.family)
        else { return .inactive }
        var username: String?
        if case .account(let sid) = TokenSubject(info.subject) {
            guard let account = try await accounts.find(sid: sid), !account.isDisabled else { return .inactive }
            username = account.username
        }
        return Introspection(
            active: true, sub: info.subject, clientID: info.grant?.client, scope: info.grant?.scope,
            exp: Int(info.expiresAt), iat: Int(info.issuedAt), iss: settings.issuer, tokenType: "refresh_token",
            username: username)
    }

    /// Revokes `token` for `caller`: a refresh token ends its session (its access tokens too,
    /// RFC 7009 §2.1); an access token is denylisted until it expires. A token the caller was
    /// not issued, or an unknown one, is left alone and answered the same (RFC 7009 §2.2).
    func revoke(_ token: String, caller: OAuthClient) async throws {
        if Self.looksLikeJWT(token) {
            guard case .success(let (claims, _)) = try await liveTokens.check(token), claims.clientID == caller.id
            else { return }
            try await issuer.refreshTokens.logout(
                family: nil, jti: claims.jti.value, accessExpiresAt: claims.exp.value, now: now())
            await issuer.audit.record(
                AuditEvent(
                    .sessionRevoked, subject: claims.sub.value,
                    detail: ["reason": "oauth_revocation", "client_id": caller.id, "token_type": "access_token"]))
            return
        }
        guard let info = try await issuer.refreshTokens.describe(token, now: now()), info.grant?.client == caller.id
        else { return }
        let ended = try await issuer.refreshTokens.endSessions(
            subject: info.subject, only: info.family, keeping: nil, now: now())
        if !ended.isEmpty {
            await issuer.audit.record(
                AuditEvent(
                    .sessionRevoked, subject: info.subject,
                    detail: ["reason": "oauth_revocation", "client_id": caller.id, "token_type": "refresh_token"]))
        }
    }

    /// Access tokens are JWTs (three dot-separated parts); refresh tokens are opaque.
    static func looksLikeJWT(_ token: String) -> Bool {
        token.utf8.count > 20 && token.utf8.filter { $0 == UInt8(ascii: ".") }.count == 2
    }
}
