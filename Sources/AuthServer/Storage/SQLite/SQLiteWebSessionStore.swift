import GRDB
import Hummingbird
import HummingbirdAuth
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ``WebSessionStore`` in SQLite (table `web_session`, the value as JSON).
struct SQLiteWebSessionStore: WebSessionStore {
    let writer: any DatabaseWriter
    let now: @Sendable () -> Date

    func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        let time = now().timeIntervalSince1970
        try await writer.write { db in
            if try Int.fetchOne(
                db, sql: "SELECT 1 FROM web_session WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)",
                arguments: [key, time]) != nil
            {
                throw PersistError.duplicate
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO web_session (key, value, account_id, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [key, data, Self.accountID(value), expires.map { time + Self.seconds($0) }])
        }
    }

    func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        let time = now().timeIntervalSince1970
        try await writer.write { db in
            if let expires {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO web_session (key, value, account_id, expires_at) VALUES (?, ?, ?, ?)",
                    arguments: [key, data, Self.accountID(value), time + Self.seconds(expires)])
            } else {
                // keep the expiry the value already had (PersistDriver's contract)
                try db.execute(
                    sql: """
                        INSERT INTO web_session (key, value, account_id, expires_at) VALUES (?, ?, ?, NULL)
                        ON CONFLICT(key) DO UPDATE SET value = excluded.value, account_id = excluded.account_id
                        """,
                    arguments: [key, data, Self.accountID(value)])
            }
        }
    }

    func get<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: type)?.object
    }

    func getWithTTL<Object: Codable & Sendable>(
        key: String, as type: Object.Type
    ) async throws
        -> (object: Object, ttl: Duration?)?
    {
        let time = now().timeIntervalSince1970
        let found = try await writer.read { db -> StoredSession? in
            try Row.fetchOne(
                db,
                sql:
                    "SELECT value, expires_at FROM web_session WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)",
                arguments: [key, time]
            ).map { StoredSession(data: $0[0], expiresAt: $0[1]) }
        }
        guard let found else { return nil }
        let data = found.data
        let expiry = found.expiresAt
        let object: Object
        do {
            object = try JSONDecoder().decode(Object.self, from: data)
        } catch {
            throw PersistError.invalidConversion
        }
        return (object, expiry.map { Duration.milliseconds(Int64((($0 - time) * 1000).rounded())) })
    }

    func remove(key: String) async throws {
        try await writer.write { db in try db.execute(sql: "DELETE FROM web_session WHERE key = ?", arguments: [key]) }
    }

    func shutdown() async throws {}

    /// Nothing runs in the background here: ``ExpirySweeper`` calls ``sweep()``.
    func run() async throws {
        try? await gracefulShutdown()
    }

    func sweep() async throws {
        let time = now().timeIntervalSince1970
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM web_session WHERE expires_at <= ?", arguments: [time])
        }
    }

    private struct StoredSession: Sendable {
        var data: Data
        var expiresAt: Double?
    }

    private static func accountID(_ value: some Sendable) -> Int64? {
        (value as? WebSession)?.accountID
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
