#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The auth server's state behind small interfaces (``AccountStore``, ``SecondFactorStore``,
/// ``RefreshTokenRecords`` under ``RefreshTokenStore``, ``LimitStore``, ``WebSessionStore``), so
/// the domain code does not know which database holds it. SQLite (`DATABASE_PATH`, folder
/// `SQLite/`) is the embedded default.
///
/// ```swift
/// let storage = try AuthStorage.sqlite(path: "auth-server.sqlite", accessTokenLifetime: 86_400, now: { Date() })
/// let account = try await storage.accounts.find(login: "alice")
/// ```
struct AuthStorage: Sendable {
    let accounts: any AccountStore
    let factors: any SecondFactorStore
    let refreshTokens: RefreshTokenStore
    let limits: any LimitStore
    let sessions: any WebSessionStore

    /// Opens (creating and migrating) the SQLite file at `path`, or an in-memory one for `:memory:`.
    static func sqlite(
        path: String, accessTokenLifetime: TimeInterval, now: @escaping @Sendable () -> Date
    ) throws -> AuthStorage {
        let writer = try SQLiteDatabase.open(path: path)
        let refreshTokens = try RefreshTokenStore(
            records: SQLiteRefreshTokenRecords(writer: writer), accessTokenLifetime: accessTokenLifetime)
        return AuthStorage(
            accounts: SQLiteAccountStore(writer: writer, refreshTokens: refreshTokens),
            factors: SQLiteSecondFactorStore(writer: writer), refreshTokens: refreshTokens,
            limits: SQLiteLimitStore(writer: writer), sessions: SQLiteWebSessionStore(writer: writer, now: now))
    }
}
