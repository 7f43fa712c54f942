import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ``LimitStore`` in PostgreSQL. Each key's count and insert happen under a transaction-scoped
/// advisory lock on that key, so requests to different replicas at the same moment cannot both
/// read "4 of 5": the limit counts them together. The whole check is one call of the schema's
/// `limit_hit_record` (one round trip, where it was ten statements in a transaction: a login
/// makes two such checks).
struct PostgresLimitStore: LimitStore {
    let database: PostgresDatabase

    func hit(_ checks: [(RateLimit, String)], now: Date) async throws -> Int? {
        guard !checks.isEmpty else { return nil }
        let kinds = checks.map { $0.0.kind.rawValue }
        let digests = checks.map { ByteBuffer(bytes: LimitKey.digest($0.1)) }
        let windows = checks.map { $0.0.window }
        let limits = checks.map { Int32(clamping: $0.0.limit) }
        let time = now.timeIntervalSince1970
        let rows = try await database.query(
            "SELECT limit_hit_record(\(kinds), \(digests), \(windows), \(limits), \(time))", logger: database.logger)
        guard let row = rows.first else { return nil }
        return try row.decode(Int32?.self).map(Int.init)
    }

    func sweep(now: Date, longestWindow: Double) async throws {
        try await database.query(
            "DELETE FROM limit_hit WHERE at <= \(now.timeIntervalSince1970 - longestWindow)", logger: database.logger)
    }
}
