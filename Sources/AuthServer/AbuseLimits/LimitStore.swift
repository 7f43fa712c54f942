import Crypto
import GRDB

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The limits' counters, in the database: they survive a restart, and every replica that uses
/// the same database counts the same events, so a client cannot multiply its budget by
/// spreading requests over processes or by waiting for a deploy.
///
/// A key (a phone number, an email, an IP address) is stored as a SHA-256 digest: the table
/// answers "how often lately", never "who asked". Each hit deletes its key's expired entries;
/// ``sweep(now:longestWindow:)`` removes those of keys not seen again.
struct LimitStore: Sendable {
    let writer: any DatabaseWriter

    /// Records one event for each `(limit, key)` in order, in one transaction, and stops at the
    /// first limit that is reached: it returns the seconds until that key may try again, nil when
    /// every limit admitted the event. A refused event is not counted against the later limits.
    func hit(_ checks: [(RateLimit, String)], now: Date) async throws -> Int? {
        let time = now.timeIntervalSince1970
        return try await writer.writeWithoutTransaction { db in
            var wait: Int?
            // IMMEDIATE takes the write lock first, so two processes cannot both read "4 of 5"
            try db.inTransaction(.immediate) {
                for (limit, key) in checks {
                    let digest = Self.digest(key)
                    let start = time - limit.window
                    try db.execute(
                        sql: "DELETE FROM limit_hit WHERE kind = ? AND key_digest = ? AND at <= ?",
                        arguments: [limit.kind.rawValue, digest, start])
                    let row = try Row.fetchOne(
                        db, sql: "SELECT COUNT(*), MIN(at) FROM limit_hit WHERE kind = ? AND key_digest = ?",
                        arguments: [limit.kind.rawValue, digest])
                    let count: Int = row?[0] ?? 0
                    if count >= limit.limit {
                        let oldest: Double = row?[1] ?? time
                        wait = max(1, Int((oldest + limit.window - time).rounded(.up)))
                        break
                    }
                    try db.execute(
                        sql: "INSERT INTO limit_hit (kind, key_digest, at) VALUES (?, ?, ?)",
                        arguments: [limit.kind.rawValue, digest, time])
                }
                return .commit
            }
            return wait
        }
    }

    /// Deletes every hit older than the longest window.
    func sweep(now: Date, longestWindow: Double) async throws {
        let start = now.timeIntervalSince1970 - longestWindow
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM limit_hit WHERE at <= ?", arguments: [start])
        }
    }

    static func digest(_ key: String) -> Data {
        Data(SHA256.hash(data: Data(key.utf8)))
    }
}
