import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The limits' counters, in the database: they survive a restart, and every replica that uses
/// the same database counts the same events, so a client cannot multiply its budget by
/// spreading requests over processes or by waiting for a deploy.
///
/// A key (a phone number, an email, an IP address) is stored as a SHA-256 digest
/// (``LimitKey/digest(_:)``): the table answers "how often lately", never "who asked". A hit
/// counts only its key's entries within the window; ``sweep(now:longestWindow:)`` removes the
/// expired ones every minute.
///
/// The one thing written twice on purpose is how a hit is counted: the same algorithm (per key:
/// count its hits within the window up to the limit, add the hit or say how long to wait), but
/// SQLite runs it as statements in one `BEGIN IMMEDIATE` transaction, whose write lock already
/// keeps two processes from both reading "4 of 5", while PostgreSQL runs it in the schema's
/// `limit_hit_record` function under an advisory lock per key: one round trip where the
/// statements would be eight (a login makes two such checks), and no lock on rows that do not
/// exist yet.
struct LimitStore: Sendable {
    let database: any SQLDatabase

    /// Records one event for each `(limit, key)` in order, in one transaction, and stops at the
    /// first limit that is reached: it returns the seconds until that key may try again, nil when
    /// every limit admitted the event. A refused event is not counted against the later limits.
    func hit(_ checks: [(RateLimit, String)], now: Date) async throws -> Int? {
        guard !checks.isEmpty else { return nil }
        let time = now.timeIntervalSince1970
        switch database.dialect {
        case .postgres:
            let kinds = checks.map { $0.0.kind.rawValue }
            let digests = checks.map { LimitKey.digest($0.1) }
            let windows = checks.map { $0.0.window }
            let limits = checks.map { $0.0.limit }
            let answer = try await database.run(
                """
                SELECT limit_hit_record(\(array: kinds), \(array: digests), \(array: windows),
                    \(array: limits)::integer[], \(time))
                """)
            return try answer.first?.decode(0, as: Int?.self)
        case .sqlite:
            return try await database.write { db in
                for (limit, key) in checks {
                    if let wait = try await Self.hit(db, limit, LimitKey.digest(key), time) { return wait }
                }
                return nil
            }
        }
    }

    /// One key's hit in SQLite; the seconds to wait when its limit is reached.
    private static func hit(
        _ db: any SQLConnection, _ limit: RateLimit, _ digest: Data, _ time: Double
    ) async throws
        -> Int?
    {
        let kind = limit.kind.rawValue
        // counted up to the limit only: whether it is reached is all that matters, and a
        // generous limit (a busy address) would otherwise be counted in full
        let counted = try await db.fetchOne(
            """
            SELECT COUNT(*), MIN(at) FROM (SELECT at FROM limit_hit
                WHERE kind = \(kind) AND key_digest = \(digest) AND at > \(time - limit.window)
                ORDER BY at LIMIT \(limit.limit)) counted
            """)
        let count: Int = try counted?.decode(0) ?? 0
        if count >= limit.limit {
            let oldest: Double = try counted?.decode(1, as: Double?.self) ?? time
            return max(1, Int((oldest + limit.window - time).rounded(.up)))
        }
        try await db.execute("INSERT INTO limit_hit (kind, key_digest, at) VALUES (\(kind), \(digest), \(time))")
        return nil
    }

    /// Deletes every hit older than the longest window.
    func sweep(now: Date, longestWindow: Double) async throws {
        let start = now.timeIntervalSince1970 - longestWindow
        try await database.run("DELETE FROM limit_hit WHERE at <= \(start)")
    }
}

enum LimitKey {
    /// How a limit's key is stored.
    static func digest(_ key: String) -> Data {
        Data(SHA256.hash(data: Data(key.utf8)))
    }
}
