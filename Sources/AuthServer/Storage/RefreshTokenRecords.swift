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
        var families: [String] = []
        for row in try await db.fetchAll(
            """
            UPDATE refresh_token SET revoked_at = \(time) WHERE subject = \(subject) AND revoked_at IS NULL
            RETURNING family
            """)
        {
            let family: String = try row.decode(0)
            if !families.contains(family) { families.append(family) }
        }
        for family in families { try await RevocationNotice.family(family).send(db) }
        return families
    }

    private static func revokeFamily(_ db: any SQLConnection, _ family: String, at time: Double) async throws {
        try await db.execute(
            "UPDATE refresh_token SET revoked_at = \(time) WHERE family = \(family) AND revoked_at IS NULL")
        try await RevocationNotice.family(family).send(db)
    }

    func insert(tokenHash: String, family: String, subject: String, now: Date, lifetime: TimeInterval) async throws {
        try await database.run(Self.insertion(tokenHash, family, subject, now.timeIntervalSince1970, lifetime))
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
    /// revokes its whole family (``Rotation/reused(family:)``).
    func rotate(tokenHash: String, nextHash: String, now: Date, lifetime: TimeInterval) async throws -> Rotation {
        let time = now.timeIntervalSince1970
        return try await database.write { db -> Rotation in
            guard
                let row = try await db.fetchOne(
                    """
                    SELECT id, family, subject, expires_at, used_at, revoked_at FROM refresh_token
                    WHERE token_hash = \(tokenHash) \(.lockRows)
                    """)
            else { return .unknown }
            let id: Int64 = try row.decode(0)
            let family: String = try row.decode(1)
            let subject: String = try row.decode(2)
            if try row.decode(5, as: Double?.self) != nil { return .revoked }
            if try row.decode(4, as: Double?.self) != nil {
                try await Self.revokeFamily(db, family, at: time)
                return .reused(family: family)
            }
            if try row.decode(3, as: Double.self) <= time { return .expired }
            try await db.execute("UPDATE refresh_token SET used_at = \(time) WHERE id = \(id)")
            try await db.execute(Self.insertion(nextHash, family, subject, time, lifetime))
            return .rotated(family: family, subject: subject)
        }
    }

    /// Revokes `family` (if any) and denylists `jti` until the access token expires.
    func logout(family: String?, jti: String, accessExpiresAt: Date, now: Date) async throws {
        let time = now.timeIntervalSince1970
        let until = accessExpiresAt.timeIntervalSince1970
        try await database.write { db in
            if let family { try await Self.revokeFamily(db, family, at: time) }
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

/// The outcome of ``RefreshTokenRecords/rotate(tokenHash:nextHash:now:lifetime:)``.
enum Rotation: Sendable, Equatable {
    case rotated(family: String, subject: String)
    case unknown
    case expired
    case revoked
    case reused(family: String)
}
