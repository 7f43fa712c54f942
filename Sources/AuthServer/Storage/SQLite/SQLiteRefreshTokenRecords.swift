import GRDB

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ``RefreshTokenRecords`` in SQLite: `refresh_token` (hashes only) and `revoked_jti`.
struct SQLiteRefreshTokenRecords: RefreshTokenRecords {
    let writer: any DatabaseWriter

    func revocations(now: Date, familyWindow: TimeInterval) async throws -> Revocations {
        let time = now.timeIntervalSince1970
        return try await writer.read { db in
            Revocations(
                jtis: try Row.fetchAll(
                    db, sql: "SELECT jti, expires_at FROM revoked_jti WHERE expires_at > ?", arguments: [time]
                ).map { ($0[0], Date(timeIntervalSince1970: $0[1])) },
                families: try Row.fetchAll(
                    db,
                    sql: "SELECT family, MAX(revoked_at) FROM refresh_token WHERE revoked_at > ? GROUP BY family",
                    arguments: [time - familyWindow]
                ).map { ($0[0], Date(timeIntervalSince1970: $0[1])) })
        }
    }

    /// Revokes every live family of `subject` inside the caller's transaction (a password change,
    /// reset or disable in ``SQLiteAccountStore``); returns them.
    static func revokeFamilies(_ db: Database, subject: String, at time: Double) throws -> [String] {
        let families = try String.fetchAll(
            db, sql: "SELECT DISTINCT family FROM refresh_token WHERE subject = ? AND revoked_at IS NULL",
            arguments: [subject])
        try db.execute(
            sql: "UPDATE refresh_token SET revoked_at = ? WHERE subject = ? AND revoked_at IS NULL",
            arguments: [time, subject])
        return families
    }

    func insert(tokenHash: String, family: String, subject: String, now: Date, lifetime: TimeInterval) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO refresh_token (token_hash, family, subject, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    tokenHash, family, subject, now.timeIntervalSince1970, now.timeIntervalSince1970 + lifetime,
                ])
        }
    }

    func rotate(tokenHash: String, nextHash: String, now: Date, lifetime: TimeInterval) async throws -> Rotation {
        try await writer.write { db -> Rotation in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT id, family, subject, expires_at, used_at, revoked_at FROM refresh_token WHERE token_hash = ?",
                    arguments: [tokenHash])
            else { return .unknown }
            let id: Int64 = row[0]
            let family: String = row[1]
            let subject: String = row[2]
            let timestamp = now.timeIntervalSince1970
            if row[5] as Double? != nil { return .revoked }
            if row[4] as Double? != nil {
                try db.execute(
                    sql: "UPDATE refresh_token SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL",
                    arguments: [timestamp, family])
                return .reused(family: family)
            }
            if (row[3] as Double) <= timestamp { return .expired }
            try db.execute(sql: "UPDATE refresh_token SET used_at = ? WHERE id = ?", arguments: [timestamp, id])
            try db.execute(
                sql: """
                    INSERT INTO refresh_token (token_hash, family, subject, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [nextHash, family, subject, timestamp, timestamp + lifetime])
            return .rotated(family: family, subject: subject)
        }
    }

    func logout(family: String?, jti: String, accessExpiresAt: Date, now: Date) async throws {
        try await writer.write { db in
            if let family {
                try db.execute(
                    sql: "UPDATE refresh_token SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL",
                    arguments: [now.timeIntervalSince1970, family])
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO revoked_jti (jti, expires_at) VALUES (?, ?)",
                arguments: [jti, accessExpiresAt.timeIntervalSince1970])
            try db.execute(sql: "DELETE FROM revoked_jti WHERE expires_at <= ?", arguments: [now.timeIntervalSince1970])
        }
    }
}
