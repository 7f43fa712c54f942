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
/// and denylists the access token's `jti` until it expires.
///
/// Every access token carries its family (`fid`), and a revoked family refuses all of its
/// access tokens at once, not only the one that logged out: after login → A1, refresh → A2,
/// logout with A2, A1 is refused too; so is what a thief got from a replayed refresh token, and
/// every token from before a password change or reset, even one issued in the same second.
/// Both denylists are mirrored in memory (this process is their only writer), so checking a
/// bearer token costs no query; a family is remembered for one access-token lifetime after its
/// revocation, the longest any of its access tokens can live.
final class RefreshTokenStore: Sendable {
    let writer: any DatabaseWriter
    /// How long an access token lives: how long a revoked family must be remembered.
    let accessTokenLifetime: TimeInterval
    private let revokedJTIs = Mutex<[String: Date]>([:])
    /// Revoked families, until when their access tokens could still be presented.
    private let revokedFamilies = Mutex<[String: Date]>([:])

    init(writer: any DatabaseWriter, accessTokenLifetime: TimeInterval) throws {
        self.writer = writer
        self.accessTokenLifetime = accessTokenLifetime
        let now = Date().timeIntervalSince1970
        let (revoked, families) = try writer.read { db in
            (
                try Row.fetchAll(
                    db, sql: "SELECT jti, expires_at FROM revoked_jti WHERE expires_at > ?", arguments: [now]),
                try Row.fetchAll(
                    db,
                    sql: "SELECT family, MAX(revoked_at) FROM refresh_token WHERE revoked_at > ? GROUP BY family",
                    arguments: [now - accessTokenLifetime])
            )
        }
        revokedJTIs.withLock { map in
            for row in revoked { map[row[0]] = Date(timeIntervalSince1970: row[1]) }
        }
        revokedFamilies.withLock { map in
            for row in families { map[row[0]] = Date(timeIntervalSince1970: (row[1] as Double) + accessTokenLifetime) }
        }
    }

    /// Remembers families whose refresh tokens were revoked at `now` (by this store, or by the
    /// account store on a password change, reset or disable).
    func familiesRevoked(_ families: [String], at now: Date) {
        guard !families.isEmpty else { return }
        let until = now.addingTimeInterval(accessTokenLifetime)
        revokedFamilies.withLock { map in
            for family in families { map[family] = until }
            if map.count > 10_000 { map = map.filter { $0.value > now } }
        }
    }

    func isRevoked(family: String) -> Bool {
        revokedFamilies.withLock { $0[family] != nil }
    }

    /// Revokes every live family of `subject` inside the caller's transaction; returns them, for
    /// ``familiesRevoked(_:at:)`` once the transaction has committed.
    static func revokeFamilies(_ db: Database, subject: String, at time: Double) throws -> [String] {
        let families = try String.fetchAll(
            db, sql: "SELECT DISTINCT family FROM refresh_token WHERE subject = ? AND revoked_at IS NULL",
            arguments: [subject])
        try db.execute(
            sql: "UPDATE refresh_token SET revoked_at = ? WHERE subject = ? AND revoked_at IS NULL",
            arguments: [time, subject])
        return families
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
        let (outcome, revokedFamily) = try await writer.write { db -> (RotationOutcome, String?) in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT id, family, subject, expires_at, used_at, revoked_at FROM refresh_token WHERE token_hash = ?",
                    arguments: [OpaqueToken.hash(token)])
            else { return (.unknown, nil) }
            let id: Int64 = row[0]
            let family: String = row[1]
            let subject: String = row[2]
            let timestamp = now.timeIntervalSince1970
            if row[5] as Double? != nil { return (.revoked, nil) }
            if row[4] as Double? != nil {
                try db.execute(
                    sql: "UPDATE refresh_token SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL",
                    arguments: [timestamp, family])
                return (.reused, family)
            }
            if (row[3] as Double) <= timestamp { return (.expired, nil) }
            try db.execute(sql: "UPDATE refresh_token SET used_at = ? WHERE id = ?", arguments: [timestamp, id])
            try db.execute(
                sql: """
                    INSERT INTO refresh_token (token_hash, family, subject, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [OpaqueToken.hash(next), family, subject, timestamp, timestamp + lifetime])
            return (.rotated(token: next, family: family, subject: subject), nil)
        }
        // a replayed token means it leaked: every access token of its family stops working too
        if let revokedFamily { familiesRevoked([revokedFamily], at: now) }
        return outcome
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
        if let family { familiesRevoked([family], at: now) }
    }

    func isRevoked(jti: String) -> Bool {
        revokedJTIs.withLock { $0[jti] != nil }
    }
}
