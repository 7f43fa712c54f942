#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What an authorization code grants, fixed when the browser is sent back to the client and
/// checked when the client redeems the code.
struct AuthorizationGrant: Sendable, Equatable {
    var clientID: String
    /// The `redirect_uri` of the authorization request, which the token request must repeat.
    var redirectURI: String
    /// A ``TokenSubject`` claim: an account sid or a phone number.
    var subject: String
    var scopes: Set<OAuthScope>
    var nonce: String?
    /// PKCE's S256 challenge, when the client sent one.
    var codeChallenge: String?
    /// When the person signed in (the ID token's `auth_time`).
    var authTime: Double
    /// How they signed in: RFC 8176 values (the ID token's `amr`).
    var methods: [String]
    /// The browser's address and user agent, for the device session the code starts.
    var browser: SessionClient
}

/// Authorization codes (OpenID Connect's code flow), in the database so any replica redeems
/// what another issued. A code is 32 random bytes stored only as its SHA-256, lives a minute
/// and is redeemed once: the redemption marks it used and names the session (`family`) its
/// tokens will belong to in the same statement, so a second redemption, however soon, finds
/// the family to revoke (RFC 9700 §4.5: a replayed code revokes what it issued).
struct AuthorizationCodeStore: Sendable {
    static let lifetime: TimeInterval = 60
    let database: any SQLDatabase

    /// Stores `grant` under a new code and returns the code.
    func issue(_ grant: AuthorizationGrant, now: Date) async throws -> String {
        let code = OpaqueToken.make()
        let time = now.timeIntervalSince1970
        try await database.run(
            """
            INSERT INTO oauth_code (code_hash, client_id, redirect_uri, subject, scope, nonce, code_challenge,
                auth_time, amr, ip, user_agent, expires_at)
            VALUES (\(OpaqueToken.hash(code)), \(grant.clientID), \(grant.redirectURI), \(grant.subject),
                \(OAuthScope.text(grant.scopes)), \(grant.nonce), \(grant.codeChallenge), \(grant.authTime),
                \(grant.methods.joined(separator: " ")), \(grant.browser.ip), \(grant.browser.userAgent),
                \(time + Self.lifetime))
            """)
        return code
    }

    enum Redemption: Sendable, Equatable {
        /// The code's grant; its tokens belong to the new session `family`.
        case redeemed(AuthorizationGrant, family: String)
        case unknown
        case expired
        /// Redeemed before: the session its first redemption started (to revoke), and whose.
        case replayed(family: String?, subject: String)
    }

    /// Redeems `code`: marks it used, once.
    func redeem(_ code: String, now: Date) async throws -> Redemption {
        let time = now.timeIntervalSince1970
        let family = UUID().uuidString
        let hash = OpaqueToken.hash(code)
        return try await database.write { db -> Redemption in
            guard
                let row = try await db.fetchOne(
                    """
                    SELECT client_id, redirect_uri, subject, scope, nonce, code_challenge, auth_time, amr, ip,
                        user_agent, expires_at, used_at, family
                    FROM oauth_code WHERE code_hash = \(hash) \(.lockRows)
                    """)
            else { return .unknown }
            let subject: String = try row.decode(2)
            if try row.decode(11, as: Double?.self) != nil {
                return .replayed(family: try row.decode(12), subject: subject)
            }
            if try row.decode(10, as: Double.self) <= time { return .expired }
            try await db.execute(
                "UPDATE oauth_code SET used_at = \(time), family = \(family) WHERE code_hash = \(hash)")
            let scopeText: String = try row.decode(3)
            let methods: String = try row.decode(7)
            let grant = AuthorizationGrant(
                clientID: try row.decode(0), redirectURI: try row.decode(1), subject: subject,
                scopes: (try? OAuthScope.parse(scopeText).get()) ?? [], nonce: try row.decode(4),
                codeChallenge: try row.decode(5), authTime: try row.decode(6),
                methods: methods.split(separator: " ").map(String.init),
                browser: SessionClient(ip: try row.decode(8, as: String?.self) ?? "", userAgent: try row.decode(9)))
            return .redeemed(grant, family: family)
        }
    }

    /// Drops codes expired for longer than a replay of them is worth recognising (ten minutes).
    func sweep(now: Date) async throws {
        try await database.run("DELETE FROM oauth_code WHERE expires_at < \(now.timeIntervalSince1970 - 600)")
    }
}
