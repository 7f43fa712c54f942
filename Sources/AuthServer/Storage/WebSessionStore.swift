import Hummingbird
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// hummingbird-auth's session storage, in the auth server's database (table `web_session`, the
/// value as JSON bytes): sessions survive a restart, a session made through one replica is found
/// by every other, and the sessions of one account can be deleted together (logout elsewhere on a
/// password change or reset, a disabled account), which is why the account id, or the number a
/// phone login signed in as, is kept beside each value. ``ExpirySweeper`` calls ``sweep()``.
struct WebSessionStore: PersistDriver {
    let database: any SQLDatabase
    let now: @Sendable () -> Date

    /// A new session; ``PersistError/duplicate`` when `key` is taken by one that has not expired
    /// (an expired one is replaced).
    func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        let time = now().timeIntervalSince1970
        let expiresAt = expires.map { time + Self.seconds($0) }
        let (accountID, phone) = Self.owner(value)
        let inserted = try await database.run(
            """
            INSERT INTO web_session (key, value, account_id, phone_number, expires_at)
            VALUES (\(key), \(data), \(accountID), \(phone), \(expiresAt))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, account_id = excluded.account_id,
                phone_number = excluded.phone_number, expires_at = excluded.expires_at
            WHERE web_session.expires_at IS NOT NULL AND web_session.expires_at <= \(time)
            RETURNING 1
            """)
        guard inserted.count == 1 else { throw PersistError.duplicate }
    }

    func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        let (accountID, phone) = Self.owner(value)
        // without an expiry, the one the value already had is kept (PersistDriver's contract)
        let expiresAt = expires.map { now().timeIntervalSince1970 + Self.seconds($0) }
        let expiryUpdate: SQLQuery = expiresAt == nil ? "" : ", expires_at = excluded.expires_at"
        try await database.run(
            """
            INSERT INTO web_session (key, value, account_id, phone_number, expires_at)
            VALUES (\(key), \(data), \(accountID), \(phone), \(expiresAt))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, account_id = excluded.account_id,
                phone_number = excluded.phone_number
            """ + expiryUpdate)
    }

    func get<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: type)?.object
    }

    func getWithTTL<Object: Codable & Sendable>(
        key: String, as type: Object.Type
    ) async throws -> (object: Object, ttl: Duration?)? {
        let time = now().timeIntervalSince1970
        let found = try await database.read { db in
            try await db.fetchOne(
                """
                SELECT value, expires_at FROM web_session
                WHERE key = \(key) AND (expires_at IS NULL OR expires_at > \(time))
                """)
        }
        guard let found else { return nil }
        let expiry: Double? = try found.decode(1)
        let object: Object
        do {
            object = try JSONDecoder().decode(Object.self, from: try found.decode(0, as: Data.self))
        } catch {
            throw PersistError.invalidConversion
        }
        return (object, expiry.map { Duration.milliseconds(Int64((($0 - time) * 1000).rounded())) })
    }

    func remove(key: String) async throws {
        try await database.run("DELETE FROM web_session WHERE key = \(key)")
    }

    func shutdown() async throws {}

    /// Nothing runs in the background here: ``ExpirySweeper`` calls ``sweep()``.
    func run() async throws {
        try? await gracefulShutdown()
    }

    /// Deletes expired sessions.
    func sweep() async throws {
        let time = now().timeIntervalSince1970
        try await database.run("DELETE FROM web_session WHERE expires_at <= \(time)")
    }

    /// Whose session `value` is: an account's id, or the number a phone login signed in as.
    private static func owner(_ value: some Sendable) -> (accountID: Int64?, phoneNumber: String?) {
        guard let session = value as? WebSession else { return (nil, nil) }
        return (session.accountID, session.signedInAt == nil ? nil : session.phoneNumber)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
