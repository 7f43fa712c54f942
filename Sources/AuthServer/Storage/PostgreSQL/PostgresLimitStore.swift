import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ``LimitStore`` in PostgreSQL. Each key's count and insert happen under a transaction-scoped
/// advisory lock on that key, so requests to different replicas at the same moment cannot both
/// read "4 of 5": the limit counts them together.
struct PostgresLimitStore: LimitStore {
    let database: PostgresDatabase

    func hit(_ checks: [(RateLimit, String)], now: Date) async throws -> Int? {
        let time = now.timeIntervalSince1970
        return try await database.transaction { connection -> Int? in
            for (limit, key) in checks {
                let digest = LimitKey.digest(key)
                let kind = limit.kind.rawValue
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(hashtextextended(\(kind) || encode(\(digest), 'hex'), 0))",
                    logger: database.logger)
                try await connection.query(
                    "DELETE FROM limit_hit WHERE kind = \(kind) AND key_digest = \(digest) AND at <= \(time - limit.window)",
                    logger: database.logger)
                var count = 0
                var oldest = time
                for try await (rows, first) in try await connection.query(
                    "SELECT COUNT(*), MIN(at) FROM limit_hit WHERE kind = \(kind) AND key_digest = \(digest)",
                    logger: database.logger
                ).decode((Int64, Double?).self) {
                    count = Int(rows)
                    oldest = first ?? time
                }
                if count >= limit.limit {
                    return max(1, Int((oldest + limit.window - time).rounded(.up)))
                }
                try await connection.query(
                    "INSERT INTO limit_hit (kind, key_digest, at) VALUES (\(kind), \(digest), \(time))",
                    logger: database.logger)
            }
            return nil
        }
    }

    func sweep(now: Date, longestWindow: Double) async throws {
        try await database.query(
            "DELETE FROM limit_hit WHERE at <= \(now.timeIntervalSince1970 - longestWindow)", logger: database.logger)
    }
}
