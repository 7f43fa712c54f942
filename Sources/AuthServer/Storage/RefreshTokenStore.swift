import GRDB
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Refresh tokens and revoked access tokens, in SQLite.
///
/// A refresh token is 32 random bytes (base64url), stored only as its SHA-256. Every login
/// starts a *family*; each refresh rotates the token within it. Presenting a token that was
/// already rotated means it leaked: the whole family is revoked. Logging out revokes the family
/// and denylists the access token's `jti` until it expires. The denylist is mirrored in memory
/// (this process is its only writer) so checking a bearer token costs no query.
final class RefreshTokenStore: Sendable {
    let writer: any DatabaseWriter
    private let revokedJTIs = Mutex<[String: Date]>([:])

    init(writer: any DatabaseWriter) throws {
        self.writer = writer
        let now = Date().timeIntervalSince1970
        let revoked = try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT jti, expires_at FROM revoked_jti WHERE expires_at > ?", arguments: [now])
        }
        revokedJTIs.withLock { map in
            for row in revoked { map[row[0]] = Date(timeIntervalSince1970: row[1]) }
        }
    }

    /// A new family for a fresh login; returns the refresh token and its family.
    func startFamily(subject: String, now: Date, lifetime: TimeInterval) async throws -> (token: String, family: String)
    {
        let token = OpaqueToken.make()
        let family = UUID().uuidString
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO refresh_token (token_hash, family, subject, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    OpaqueToken.hash(token), family, subject, now.timeIntervalSince1970,
                    now.timeIntervalSince1970 + lifetime,
                ])
        }
        return (token, family)
    }

    enum RotationOutcome: Sendable, Equatable {
        case rotated(token: String, family: String, subject: String)
        case unknown
        case expired
        case revoked
        /// The token had been rotated already: its family is now revoked.
        case reused
    }

    /// Exchanges a refresh token for the next one in its family, in one transaction.
    func rotate(_ token: String, now: Date, lifetime: TimeInterval) async throws -> RotationOutcome {
        let next = OpaqueToken.make()
        return try await writer.write { db -> RotationOutcome in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT id, family, subject, expires_at, used_at, revoked_at FROM refresh_token WHERE token_hash = ?",
                    arguments: [OpaqueToken.hash(token)])
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
                return .reused
            }
            if (row[3] as Double) <= timestamp { return .expired }
            try db.execute(sql: "UPDATE refresh_token SET used_at = ? WHERE id = ?", arguments: [timestamp, id])
            try db.execute(
                sql: """
                    INSERT INTO refresh_token (token_hash, family, subject, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [OpaqueToken.hash(next), family, subject, timestamp, timestamp + lifetime])
            return .rotated(token: next, family: family, subject: subject)
        }
    }

    /// Revokes a family and denylists an access token until it expires.
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
        revokedJTIs.withLock { map in
            map[jti] = accessExpiresAt
            map = map.filter { $0.value > now }
        }
    }

    func isRevoked(jti: String) -> Bool {
        revokedJTIs.withLock { $0[jti] != nil }
    }
}
