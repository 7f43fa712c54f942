import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The auth server's state in small stores (``AccountStore``, ``SecondFactorStore``,
/// ``RefreshTokenRecords`` under ``RefreshTokenStore``, ``LimitStore``, ``WebSessionStore``),
/// each written once over ``SQLDatabase``, so neither they nor the domain code know which
/// database holds it. SQLite (`DATABASE_PATH`) is the embedded default; PostgreSQL
/// (`DATABASE_URL`) is for several replicas.
///
/// ```swift
/// let storage = try await AuthStorage.sqlite(path: "auth-server.sqlite", accessTokenLifetime: 86_400, now: { Date() })
/// let account = try await storage.accounts.find(login: "alice")
/// ```
struct AuthStorage: Sendable {
    let database: any SQLDatabase
    let accounts: AccountStore
    let factors: SecondFactorStore
    let refreshTokens: RefreshTokenStore
    let limits: LimitStore
    let sessions: WebSessionStore
    /// Whether the database takes a write (`GET /readyz`).
    let readiness: any ReadinessProbe
    /// What must run with the server (PostgreSQL's connection pool), if anything.
    let postgres: PostgresDatabase?

    /// The stores over `database`; reads what is revoked into ``RefreshTokenStore``'s memory.
    static func over(
        _ database: any SQLDatabase, readiness: any ReadinessProbe, postgres: PostgresDatabase? = nil,
        accessTokenLifetime: TimeInterval, now: @escaping @Sendable () -> Date
    ) async throws -> AuthStorage {
        let refreshTokens = try await RefreshTokenStore(
            records: RefreshTokenRecords(database: database), accessTokenLifetime: accessTokenLifetime)
        return AuthStorage(
            database: database, accounts: AccountStore(database: database, refreshTokens: refreshTokens),
            factors: SecondFactorStore(database: database), refreshTokens: refreshTokens,
            limits: LimitStore(database: database), sessions: WebSessionStore(database: database, now: now),
            readiness: readiness, postgres: postgres)
    }

    /// Opens (creating and migrating) the SQLite file at `path`, or an in-memory one for `:memory:`.
    static func sqlite(
        path: String, accessTokenLifetime: TimeInterval, now: @escaping @Sendable () -> Date
    ) async throws -> AuthStorage {
        let database = try SQLiteDatabase.open(path: path)
        return try await over(
            database, readiness: SQLiteReadiness(database: database), accessTokenLifetime: accessTokenLifetime,
            now: now)
    }

    /// Connects to PostgreSQL (`DATABASE_URL`), migrating it under an advisory lock.
    static func postgres(
        url: PostgresURL, poolSize: Int, keepAlive: Duration? = nil, wait: Duration,
        timeout: Duration = .seconds(5), accessTokenLifetime: TimeInterval, logger: Logger,
        now: @escaping @Sendable () -> Date
    ) async throws -> AuthStorage {
        let database = try await PostgresDatabase.open(
            url: url, pool: .init(size: poolSize, keepAlive: keepAlive), logger: logger,
            patience: wait, timeout: timeout)
        do {
            return try await over(
                PostgresSQLDatabase(database: database), readiness: PostgresReadiness(database: database),
                postgres: database, accessTokenLifetime: accessTokenLifetime, now: now)
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
                url: url, poolSize: configuration.databasePoolSize,
                keepAlive: configuration.databaseKeepAlive, wait: configuration.databaseWait,
                timeout: configuration.databaseTimeout, accessTokenLifetime: lifetime, logger: logger, now: now)
        }
        do {
            return try await sqlite(path: configuration.databasePath, accessTokenLifetime: lifetime, now: now)
        } catch {
            throw StartupError("cannot open the database DATABASE_PATH=\(configuration.databasePath): \(error)")
        }
    }
}
