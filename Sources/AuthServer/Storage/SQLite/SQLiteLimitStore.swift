import Crypto
import GRDB

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ``LimitStore`` in SQLite: one row per counted event, the key a SHA-256 digest.
struct SQLiteLimitStore: LimitStore {
    let writer: any DatabaseWriter

    func hit(_ checks: [(RateLimit, String)], now: Date) async throws -> Int? {
        let time = now.timeIntervalSince1970
        return try await writer.writeWithoutTransaction { db in
            var wait: Int?
            // IMMEDIATE takes the write lock first, so two processes cannot both read "4 of 5"
            try db.inTransaction(.immediate) {
                for (limit, key) in checks {
                    let digest = LimitKey.digest(key)
                    let start = time - limit.window
                    try db.execute(
                        sql: "DELETE FROM limit_hit WHERE kind = ? AND key_digest = ? AND at <= ?",
                        arguments: [limit.kind.rawValue, digest, start])
                    // counted up to the limit only: whether it is reached is all that matters,
                    // and a generous limit (a busy address) would otherwise be counted in full
                    let row = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT COUNT(*), MIN(at) FROM (SELECT at FROM limit_hit
                                WHERE kind = ? AND key_digest = ? ORDER BY at LIMIT ?)
                            """,
                        arguments: [limit.kind.rawValue, digest, limit.limit])
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

    func sweep(now: Date, longestWindow: Double) async throws {
        let start = now.timeIntervalSince1970 - longestWindow
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM limit_hit WHERE at <= ?", arguments: [start])
        }
    }

}
