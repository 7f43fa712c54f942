#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The database side of ``RefreshTokenStore``: refresh tokens by hash, in families, and the
/// denylist of logged-out access tokens. Each operation is one transaction. A rotation locks its
/// row, so one refresh token presented to two replicas at the same moment rotates exactly once:
/// the second waits, then finds it used (a replay) and revokes the family. Every revocation is
/// also a ``RevocationNotice`` on its transaction, so the other replicas' caches learn of it when
/// it commits (PostgreSQL; SQLite has no channel, see ``SQLConnection/notify(channel:payload:)``).
struct RefreshTokenRecords: Sendable {
    let database: any SQLDatabase

    /// What is revoked now: denylisted access tokens and their expiry, and the families revoked
    /// within `familyWindow` (one access-token lifetime) with when; read once at start.
    func revocations(now: Date, familyWindow: TimeInterval) async throws -> Revocations {
        let time = now.timeIntervalSince1970
        return try await database.read { db in
            Revocations(
                jtis: try await db.fetchAll("SELECT jti, expires_at FROM revoked_jti WHERE expires_at > \(time)")
                    .map { (try $0.decode(0), Date(timeIntervalSince1970: try $0.decode(1))) },
                families: try await db.fetchAll(
                    """
                    SELECT family, MAX(revoked_at) FROM refresh_token WHERE revoked_at > \(time - familyWindow)
                    GROUP BY family
                    """
                ).map { (try $0.decode(0), Date(timeIntervalSince1970: try $0.decode(1))) })
        }
    }

    /// Revokes every live family of `subject` inside the caller's transaction (the rule in
    /// `Accounts/EndingSessions.swift`); returns them.
    static func revokeFamilies(_ db: any SQLConnection, subject: String, at time: Double) async throws -> [String] {
        try await revoke(db, where: "subject = \(subject)", at: time)
    }

    /// Revokes every live family issued to the OpenID Connect client `client` inside the
    /// caller's transaction (the client's removal); returns them.
    static func revokeFamilies(_ db: any SQLConnection, client: String, at time: Double) async throws -> [String] {
        try await revoke(
            db, where: "family IN (SELECT family FROM token_family WHERE oauth_client = \(client))", at: time)
    }

    /// The one revocation statement: every live token matching `condition` revoked, each family
    /// returned once and told to the other replicas when the transaction commits.
    private static func revoke(
        _ db: any SQLConnection, where condition: SQLQuery, at time: Double
    ) async throws
        -> [String]
    {
        var families: [String] = []
        for row in try await db.fetchAll(
            "UPDATE refresh_token SET revoked_at = \(time) WHERE revoked_at IS NULL AND (" + condition
                + ") RETURNING family")
        {
            let family: String = try row.decode(0)
            if !families.contains(family) { families.append(family) }
        }
        for family in families { try await RevocationNotice.family(family).send(db) }
        return families
    }

    /// A new family and its first token, with where the login came from, and `alongside`:
    /// rows of other tables written in the same statement (the login's audit event).
    func insert(
        tokenHash: String, family: String, subject: String, now: Date, lifetime: TimeInterval, client: SessionClient?,
        grant: ClientGrant? = nil, alongside: [SQLQuery] = []
    ) async throws {
        let time = now.timeIntervalSince1970
        try await database.runTogether(
            alongside + [
                Self.insertion(tokenHash, family, subject, time, lifetime),
                """
                INSERT INTO token_family (family, subject, created_at, last_used_at, ip, user_agent, oauth_client, oauth_scope)
                VALUES (\(family), \(subject), \(time), \(time), \(client?.ip), \(client?.userAgent), \(grant?.client),
                    \(grant?.scope))
                """,
            ])
    }

    /// The live sessions of `subject` (a family whose latest token is unused, unrevoked and
    /// unexpired), the most recently used first.
    func sessions(subject: String, now: Date) async throws -> [DeviceSession] {
        let time = now.timeIntervalSince1970
        return try await database.read { db in
            try await db.fetchAll(
                """
                SELECT family, created_at, last_used_at, ip, user_agent FROM token_family f
                WHERE subject = \(subject) AND EXISTS (
                    SELECT 1 FROM refresh_token t WHERE t.family = f.family
                    AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > \(time))
                ORDER BY last_used_at DESC, created_at DESC
                """
            ).map {
                DeviceSession(
                    id: try $0.decode(0), createdAt: try $0.decode(1), lastUsedAt: try $0.decode(2),
                    ip: try $0.decode(3), userAgent: try $0.decode(4))
            }
        }
    }

    /// Revokes one live family of `subject` (`only`), or all but `keeping`; returns those
    /// revoked, each told to the other replicas. Another subject's family is never touched.
    func revoke(subject: String, only family: String?, keeping: String?, now: Date) async throws -> [String] {
        let time = now.timeIntervalSince1970
        let which: SQLQuery =
            if let family { "family = \(family)" } else { "family IS DISTINCT FROM \(keeping)" }
        return try await database.write { db in
            try await Self.revoke(db, where: "subject = \(subject) AND " + which, at: time)
        }
    }

    private static func insertion(
        _ tokenHash: String, _ family: String, _ subject: String, _ time: Double, _ lifetime: TimeInterval
    ) -> SQLQuery {
        """
        INSERT INTO refresh_token (token_hash, family, subject, created_at, expires_at)
        VALUES (\(tokenHash), \(family), \(subject), \(time), \(time + lifetime))
        """
    }

    /// Marks the token used and inserts its successor, or says why not; a token already used
    /// revokes its whole family (``Rotation/reused(family:subject:)``).
    func rotate(
        tokenHash: String, nextHash: String, now: Date, lifetime: TimeInterval, client: SessionClient? = nil,
        oauthClient: String? = nil
    ) async throws -> Rotation {
        let time = now.timeIntervalSince1970
        return try await database.write { db -> Rotation in
            guard
                let row = try await db.fetchOne(
                    """
                    SELECT id, family, subject, expires_at, used_at, revoked_at,
                        (SELECT oauth_client FROM token_family f WHERE f.family = refresh_token.family),
                        (SELECT oauth_scope FROM token_family f WHERE f.family = refresh_token.family)
                    FROM refresh_token WHERE token_hash = \(tokenHash) \(.lockRows)
                    """)
            else { return .unknown }
            let id: Int64 = try row.decode(0)
            let family: String = try row.decode(1)
            let subject: String = try row.decode(2)
            let issuedTo: String? = try row.decode(6)
            // another client's token (or the JSON API's) is not this caller's to use, or to burn
            guard issuedTo == oauthClient else { return .wrongClient }
            let grant = try issuedTo.map { ClientGrant(client: $0, scope: try row.decode(7, as: String?.self) ?? "") }
            if try row.decode(5, as: Double?.self) != nil { return .revoked }
            if try row.decode(4, as: Double?.self) != nil {
                _ = try await Self.revoke(db, where: "family = \(family)", at: time)
                return .reused(family: family, subject: subject)
            }
            if try row.decode(3, as: Double.self) <= time { return .expired }
            try await db.execute("UPDATE refresh_token SET used_at = \(time) WHERE id = \(id)")
            try await db.execute(Self.insertion(nextHash, family, subject, time, lifetime))
            try await db.execute(
                """
                UPDATE token_family SET last_used_at = \(time), ip = coalesce(\(client?.ip), ip),
                    user_agent = coalesce(\(client?.userAgent), user_agent)
                WHERE family = \(family)
                """)
            return .rotated(family: family, subject: subject, grant: grant)
        }
    }

    /// A refresh token as introspection reports it: whether it can still be used, whose, when
    /// made and until when, and the client and scopes its session was issued to.
    func describe(tokenHash: String, now: Date) async throws -> RefreshTokenInfo? {
        let time = now.timeIntervalSince1970
        return try await database.read { db in
            try await db.fetchOne(
                """
                SELECT t.family, t.subject, t.created_at, t.expires_at, f.oauth_client, f.oauth_scope,
                    t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > \(time)
                FROM refresh_token t LEFT JOIN token_family f ON f.family = t.family
                WHERE t.token_hash = \(tokenHash)
                """
            ).map { row in
                let client: String? = try row.decode(4)
                let scope: String? = try row.decode(5)
                return RefreshTokenInfo(
                    family: try row.decode(0), subject: try row.decode(1), issuedAt: try row.decode(2),
                    expiresAt: try row.decode(3), grant: client.map { ClientGrant(client: $0, scope: scope ?? "") },
                    usable: try row.decode(6))
            }
        }
    }

    /// Revokes `family` (if any) and denylists `jti` until the access token expires.
    func logout(family: String?, jti: String, accessExpiresAt: Date, now: Date) async throws {
        let time = now.timeIntervalSince1970
        let until = accessExpiresAt.timeIntervalSince1970
        try await database.write { db in
            if let family { _ = try await Self.revoke(db, where: "family = \(family)", at: time) }
            try await RevocationNotice.jti(jti, until: until).send(db)
            try await db.execute(
                """
                INSERT INTO revoked_jti (jti, expires_at) VALUES (\(jti), \(until))
                ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at
                """)
            try await db.execute("DELETE FROM revoked_jti WHERE expires_at <= \(time)")
        }
    }
}

/// What ``RefreshTokenRecords/revocations(now:familyWindow:)`` reads.
struct Revocations: Sendable {
    var jtis: [(String, Date)]
    /// A family and when it was revoked.
    var families: [(String, Date)]
}

/// The outcome of ``RefreshTokenRecords/rotate(tokenHash:nextHash:now:lifetime:client:oauthClient:)``.
enum Rotation: Sendable, Equatable {
    case rotated(family: String, subject: String, grant: ClientGrant?)
    case wrongClient
    case unknown
    case expired
    case revoked
    case reused(family: String, subject: String)
}

/// The OpenID Connect client a session was issued to, and the scopes it was granted
/// (space-separated).
struct ClientGrant: Sendable, Equatable {
    var client: String
    var scope: String
}

/// What ``RefreshTokenRecords/describe(tokenHash:now:)`` reads.
struct RefreshTokenInfo: Sendable, Equatable {
    var family: String
    var subject: String
    var issuedAt: Double
    var expiresAt: Double
    var grant: ClientGrant?
    /// Unused, unrevoked and unexpired.
    var usable: Bool
}
