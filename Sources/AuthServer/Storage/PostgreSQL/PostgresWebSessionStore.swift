import Hummingbird
import NIOCore
import PostgresNIO
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ``WebSessionStore`` in PostgreSQL (table `web_session`, the value as JSON bytes): a session
/// made through one replica is found by every other.
struct PostgresWebSessionStore: WebSessionStore {
    let database: PostgresDatabase
    let now: @Sendable () -> Date

    func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = ByteBuffer(bytes: try JSONEncoder().encode(value))
        let time = now().timeIntervalSince1970
        let expiresAt = expires.map { time + Self.seconds($0) }
        let accountID = Self.accountID(value)
        let inserted = try await PostgresSecondFactorStore.count(
            try await database.query(
                """
                INSERT INTO web_session (key, value, account_id, expires_at)
                VALUES (\(key), \(data), \(accountID), \(expiresAt))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, account_id = excluded.account_id,
                    expires_at = excluded.expires_at
                WHERE web_session.expires_at IS NOT NULL AND web_session.expires_at <= \(time)
                RETURNING 1
                """, logger: database.logger))
        guard inserted == 1 else { throw PersistError.duplicate }
    }

    func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = ByteBuffer(bytes: try JSONEncoder().encode(value))
        let accountID = Self.accountID(value)
        if let expires {
            let expiresAt = now().timeIntervalSince1970 + Self.seconds(expires)
            try await database.query(
                """
                INSERT INTO web_session (key, value, account_id, expires_at) VALUES (\(key), \(data), \(accountID), \(expiresAt))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, account_id = excluded.account_id,
                    expires_at = excluded.expires_at
                """, logger: database.logger)
        } else {
            // keep the expiry the value already had (PersistDriver's contract)
            try await database.query(
                """
                INSERT INTO web_session (key, value, account_id, expires_at) VALUES (\(key), \(data), \(accountID), NULL)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, account_id = excluded.account_id
                """, logger: database.logger)
        }
    }

    func get<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: type)?.object
    }

    func getWithTTL<Object: Codable & Sendable>(
        key: String, as type: Object.Type
    ) async throws -> (object: Object, ttl: Duration?)? {
        let time = now().timeIntervalSince1970
        var found: (ByteBuffer, Double?)?
        for row in try await database.query(
            """
            SELECT value, expires_at FROM web_session
            WHERE key = \(key) AND (expires_at IS NULL OR expires_at > \(time))
            """, logger: database.logger
        ).decode((ByteBuffer, Double?).self) {
            found = row
        }
        guard let (buffer, expiry) = found else { return nil }
        let object: Object
        do {
            object = try JSONDecoder().decode(Object.self, from: Data(buffer.readableBytesView))
        } catch {
            throw PersistError.invalidConversion
        }
        return (object, expiry.map { Duration.milliseconds(Int64((($0 - time) * 1000).rounded())) })
    }

    func remove(key: String) async throws {
        try await database.query("DELETE FROM web_session WHERE key = \(key)", logger: database.logger)
    }

    func shutdown() async throws {}

    /// Nothing runs in the background here: ``ExpirySweeper`` calls ``sweep()``.
    func run() async throws {
        try? await gracefulShutdown()
    }

    func sweep() async throws {
        try await database.query(
            "DELETE FROM web_session WHERE expires_at <= \(now().timeIntervalSince1970)", logger: database.logger)
    }

    private static func accountID(_ value: some Sendable) -> Int64? {
        (value as? WebSession)?.accountID
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
