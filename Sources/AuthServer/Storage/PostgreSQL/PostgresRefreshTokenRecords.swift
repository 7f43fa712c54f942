import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ``RefreshTokenRecords`` in PostgreSQL. A rotation locks its row (`FOR UPDATE`), so one
/// refresh token presented to two replicas at the same moment rotates exactly once: the second
/// waits, then finds it used (a replay) and revokes the family. Every revocation is also a
/// ``RevocationNotice`` on its transaction, so the other replicas' caches learn of it on commit.
struct PostgresRefreshTokenRecords: RefreshTokenRecords {
    let database: PostgresDatabase

    func revocations(now: Date, familyWindow: TimeInterval) async throws -> Revocations {
        let time = now.timeIntervalSince1970
        var result = Revocations(jtis: [], families: [])
        for (jti, expires) in try await database.query(
            "SELECT jti, expires_at FROM revoked_jti WHERE expires_at > \(time)", logger: database.logger
        ).decode((String, Double).self) {
            result.jtis.append((jti, Date(timeIntervalSince1970: expires)))
        }
        for (family, revokedAt) in try await database.query(
            """
            SELECT family, MAX(revoked_at) FROM refresh_token WHERE revoked_at > \(time - familyWindow)
            GROUP BY family
            """, logger: database.logger
        ).decode((String, Double).self) {
            result.families.append((family, Date(timeIntervalSince1970: revokedAt)))
        }
        return result
    }

    /// Revokes every live family of `subject` inside the caller's transaction; returns them.
    static func revokeFamilies(
        _ connection: PostgresConnection, subject: String, at time: Double, _ database: PostgresDatabase
    ) async throws -> [String] {
        var families: [String] = []
        for try await family in try await connection.query(
            """
            UPDATE refresh_token SET revoked_at = \(time) WHERE subject = \(subject) AND revoked_at IS NULL
            RETURNING family
            """, logger: database.logger
        ).decode(String.self) where !families.contains(family) {
            families.append(family)
        }
        for family in families { try await RevocationNotice.family(family).send(connection, database) }
        return families
    }

    func insert(tokenHash: String, family: String, subject: String, now: Date, lifetime: TimeInterval) async throws {
        let time = now.timeIntervalSince1970
        try await database.query(
            """
            INSERT INTO refresh_token (token_hash, family, subject, created_at, expires_at)
            VALUES (\(tokenHash), \(family), \(subject), \(time), \(time + lifetime))
            """, logger: database.logger)
    }

    func rotate(tokenHash: String, nextHash: String, now: Date, lifetime: TimeInterval) async throws -> Rotation {
        let time = now.timeIntervalSince1970
        return try await database.transaction { connection -> Rotation in
            var found: (Int64, String, String, Double, Double?, Double?)?
            for try await row in try await connection.query(
                """
                SELECT id, family, subject, expires_at, used_at, revoked_at FROM refresh_token
                WHERE token_hash = \(tokenHash) FOR UPDATE
                """, logger: database.logger
            ).decode((Int64, String, String, Double, Double?, Double?).self) {
                found = row
            }
            guard let (id, family, subject, expiresAt, usedAt, revokedAt) = found else { return .unknown }
            if revokedAt != nil { return .revoked }
            if usedAt != nil {
                try await connection.query(
                    "UPDATE refresh_token SET revoked_at = \(time) WHERE family = \(family) AND revoked_at IS NULL",
                    logger: database.logger)
                try await RevocationNotice.family(family).send(connection, database)
                return .reused(family: family)
            }
            if expiresAt <= time { return .expired }
            try await connection.query(
                "UPDATE refresh_token SET used_at = \(time) WHERE id = \(id)", logger: database.logger)
            try await connection.query(
                """
                INSERT INTO refresh_token (token_hash, family, subject, created_at, expires_at)
                VALUES (\(nextHash), \(family), \(subject), \(time), \(time + lifetime))
                """, logger: database.logger)
            return .rotated(family: family, subject: subject)
        }
    }

    func logout(family: String?, jti: String, accessExpiresAt: Date, now: Date) async throws {
        let time = now.timeIntervalSince1970
        try await database.transaction { connection in
            if let family {
                try await connection.query(
                    "UPDATE refresh_token SET revoked_at = \(time) WHERE family = \(family) AND revoked_at IS NULL",
                    logger: database.logger)
                try await RevocationNotice.family(family).send(connection, database)
            }
            try await RevocationNotice.jti(jti, until: accessExpiresAt.timeIntervalSince1970).send(connection, database)
            try await connection.query(
                """
                INSERT INTO revoked_jti (jti, expires_at) VALUES (\(jti), \(accessExpiresAt.timeIntervalSince1970))
                ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at
                """, logger: database.logger)
            try await connection.query("DELETE FROM revoked_jti WHERE expires_at <= \(time)", logger: database.logger)
        }
    }
}
