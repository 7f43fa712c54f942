import Logging

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
/// let storage = try await AuthStorage.sqlite(path: "auth-server.sqlite", accessTokenLifetime: 86_400, now: { Date() })
/// let account = try await storage.accounts.find(login: "alice")
/// ```
struct AuthStorage: Sendable {
    let accounts: any AccountStore
    let factors: any SecondFactorStore
    let refreshTokens: RefreshTokenStore
    let limits: any LimitStore
    let sessions: any WebSessionStore
    /// Whether the database takes a write (`GET /readyz`).
    let readiness: any ReadinessProbe
    /// What must run with the server (PostgreSQL's connection pool), if anything.
    let postgres: PostgresDatabase?

    /// Opens (creating and migrating) the SQLite file at `path`, or an in-memory one for `:memory:`.
    static func sqlite(
        path: String, accessTokenLifetime: TimeInterval, now: @escaping @Sendable () -> Date
    ) async throws -> AuthStorage {
        let writer = try SQLiteDatabase.open(path: path)
        let refreshTokens = try await RefreshTokenStore(
            records: SQLiteRefreshTokenRecords(writer: writer), accessTokenLifetime: accessTokenLifetime)
        return AuthStorage(
            accounts: SQLiteAccountStore(writer: writer, refreshTokens: refreshTokens),
            factors: SQLiteSecondFactorStore(writer: writer), refreshTokens: refreshTokens,
            limits: SQLiteLimitStore(writer: writer), sessions: SQLiteWebSessionStore(writer: writer, now: now),
            readiness: SQLiteReadiness(writer: writer), postgres: nil)
    }

    /// Connects to PostgreSQL (`DATABASE_URL`), migrating it under an advisory lock.
    static func postgres(
        url: PostgresURL, poolSize: Int, wait: Duration, timeout: Duration = .seconds(5),
        accessTokenLifetime: TimeInterval, logger: Logger, now: @escaping @Sendable () -> Date
    ) async throws -> AuthStorage {
        let database = try await PostgresDatabase.open(
            url: url, poolSize: poolSize, logger: logger, patience: wait, timeout: timeout)
        do {
            let refreshTokens = try await RefreshTokenStore(
                records: PostgresRefreshTokenRecords(database: database), accessTokenLifetime: accessTokenLifetime)
            return AuthStorage(
                accounts: PostgresAccountStore(database: database, refreshTokens: refreshTokens),
                factors: PostgresSecondFactorStore(database: database), refreshTokens: refreshTokens,
                limits: PostgresLimitStore(database: database),
                sessions: PostgresWebSessionStore(database: database, now: now),
                readiness: PostgresReadiness(database: database), postgres: database)
        } catch {
            database.close()
            throw error
        }
    }

    /// The backend the configuration names: PostgreSQL with `DATABASE_URL`, else SQLite at `DATABASE_PATH`.
    static func open(
        _ configuration: AuthConfiguration, logger: Logger, now: @escaping @Sendable () -> Date
    ) async throws -> AuthStorage {
        let lifetime = Double(configuration.accessTokenLifetime.components.seconds)
        if let url = configuration.databaseURL {
            return try await postgres(
                url: url, poolSize: configuration.databasePoolSize, wait: configuration.databaseWait,
                timeout: configuration.databaseTimeout, accessTokenLifetime: lifetime, logger: logger, now: now)
        }
        do {
            return try await sqlite(path: configuration.databasePath, accessTokenLifetime: lifetime, now: now)
        } catch {
            throw StartupError("cannot open the database DATABASE_PATH=\(configuration.databasePath): \(error)")
        }
    }
}
