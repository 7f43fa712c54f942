import AsyncDeadlines
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The auth server's PostgreSQL database: a connection pool (postgres-nio's `PostgresClient`,
/// at most `DATABASE_POOL_SIZE` connections) and the schema, migrated at start under an
/// advisory lock so replicas starting together migrate once.
final class PostgresDatabase: Sendable {
    /// The connection pool's shape. postgres-nio arms a timer (a task group and a sleeping task)
    /// each time a connection goes back to the pool for its keep-alive, when one is set (5 %
    /// fewer logins per second under `bench/auth-ab.sh`), so it is off unless asked for. (Its
    /// idle-timeout timer could be avoided only by a minimum of connections, which postgres-nio
    /// 1.33 traps on when the database goes away: `minimumConnections` stays 0.)
    struct Pool: Sendable {
        /// The most connections open at once (`DATABASE_POOL_SIZE`).
        var size: Int
        /// How long a connection may sit unused before `SELECT 1` (`DATABASE_KEEPALIVE`); nil: never.
        var keepAlive: Duration?
    }

    let client: PostgresClient
    let url: PostgresURL
    let logger: Logger
    /// The longest one database call may take (`DATABASE_TIMEOUT`).
    let timeout: Duration
    private let running: Task<Void, Never>

    /// Connects (retrying for `patience`, since a database starting beside the server may not
    /// accept connections yet) and migrates. A database that never answers is a one-line error
    /// naming where it was looked for.
    static func open(
        url: PostgresURL, pool: Pool, logger: Logger, patience: Duration = .seconds(10),
        timeout: Duration = .seconds(5)
    ) async throws -> PostgresDatabase {
        let deadline = ContinuousClock.now + patience
        var lastError: (any Error)?
        // one direct connection first: the server's refusal (a wrong password, a missing
        // database) is final and said at once; no answer at all is worth waiting for
        while true {
            do {
                try await probe(url, logger: logger)
                break
            } catch let error as PSQLError where error.code == .server {
                throw StartupError("PostgreSQL at \(url.place) refused DATABASE_URL \(url): \(Self.describe(error))")
            } catch {
                lastError = error
                guard ContinuousClock.now < deadline else {
                    throw StartupError(
                        "cannot reach PostgreSQL at \(url.place) (DATABASE_URL \(url)) after \(patience): "
                            + Self.describe(lastError))
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        let database = PostgresDatabase(url: url, pool: pool, timeout: timeout, logger: logger)
        do {
            // the server answered the probe: waiting here is for the migration lock (another
            // replica migrating), which is bounded only against a hang
            try await Self.within(.seconds(120)) { try await database.migrate() }
            return database
        } catch {
            database.close()
            throw StartupError("PostgreSQL at \(url.place) could not be migrated: \(Self.describe(error))")
        }
    }

    struct TimedOut: Error, CustomStringConvertible {
        var description: String { "no answer within the time allowed" }
    }

    /// `body`, or ``TimedOut`` once `limit` has passed (`body` is then cancelled). The answer
    /// does not wait for `body` to finish: a pool lease that ignores cancellation (postgres-nio's
    /// can, while it reconnects) must not hold a request past its deadline.
    static func within<Value: Sendable>(
        _ limit: Duration, _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        try await withDeadline(limit, timedOut: { TimedOut() }, body)
    }

    /// TLS as `sslmode` asks: none (`disable`); encrypted without checking the certificate
    /// (`allow`, `prefer`, `require`, as libpq does); or checked: the chain (`verify-ca`), and the
    /// host name too (`verify-full`). The pool and the direct connections use the same.
    static func tlsConfiguration(_ mode: PostgresURL.SSLMode) -> TLSConfiguration? {
        guard mode != .disable else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case .verifyFull: configuration.certificateVerification = .fullVerification
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .disable, .allow, .prefer, .require: configuration.certificateVerification = .none
        }
        return configuration
    }

    /// Whether `sslmode` falls back to plain text when the server has no TLS.
    static func tlsOptional(_ mode: PostgresURL.SSLMode) -> Bool { mode == .allow || mode == .prefer }

    /// A connection of its own, outside the pool (for `LISTEN`).
    func directConnection() async throws -> PostgresConnection {
        try await Self.connect(url, logger: logger)
    }

    /// Opens and closes one connection outside the pool, so its error is the real one.
    private static func probe(_ url: PostgresURL, logger: Logger) async throws {
        try await connect(url, logger: logger).close()
    }

    private static func connect(_ url: PostgresURL, logger: Logger) async throws -> PostgresConnection {
        var configuration: PostgresConnection.Configuration
        if let socket = url.socketDirectory {
            configuration = .init(
                unixSocketPath: "\(socket)/.s.PGSQL.\(url.port)", username: url.user, password: url.password,
                database: url.database)
        } else {
            var tls = PostgresConnection.Configuration.TLS.disable
            if let tlsConfiguration = tlsConfiguration(url.sslMode) {
                let context = try NIOSSLContext(configuration: tlsConfiguration)
                tls = tlsOptional(url.sslMode) ? .prefer(context) : .require(context)
            }
            configuration = .init(
                host: url.host ?? "localhost", port: url.port, username: url.user, password: url.password,
                database: url.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(2)
        if let options = url.options { configuration.options.additionalStartupParameters = [("options", options)] }
        return try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 0, logger: logger
        ).get()
    }

    private init(url: PostgresURL, pool: Pool, timeout: Duration, logger: Logger) {
        var configuration: PostgresClient.Configuration
        if let socket = url.socketDirectory {
            configuration = .init(
                unixSocketPath: "\(socket)/.s.PGSQL.\(url.port)", username: url.user, password: url.password,
                database: url.database)
        } else {
            var tls = PostgresClient.Configuration.TLS.disable
            if let tlsConfiguration = Self.tlsConfiguration(url.sslMode) {
                tls = Self.tlsOptional(url.sslMode) ? .prefer(tlsConfiguration) : .require(tlsConfiguration)
            }
            configuration = .init(
                host: url.host ?? "localhost", port: url.port, username: url.user, password: url.password,
                database: url.database, tls: tls)
        }
        configuration.options.maximumConnections = pool.size
        configuration.options.keepAliveBehavior = pool.keepAlive.map { .init(frequency: $0) }
        if let options = url.options { configuration.options.additionalStartupParameters = [("options", options)] }
        configuration.options.connectTimeout = .seconds(3)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.url = url
        self.logger = logger
        self.timeout = timeout
        running = Task { await client.run() }
    }

    /// Stops the pool (its connections close).
    func close() {
        running.cancel()
    }

    /// One transaction; rolled back when `body` throws, which rethrows `body`'s own error (or
    /// the one of `BEGIN` or `COMMIT`), not postgres-nio's wrapper of it. Bounded like every
    /// call here by ``timeout``: a database that stopped answering is ``StorageUnavailable``.
    func transaction<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await bounded {
            do {
                return try await self.client.withTransaction(logger: self.logger) { connection in
                    try await body(connection)
                }
            } catch let error as PostgresTransactionError {
                throw error.closureError ?? error.beginError ?? error.commitError ?? error
            }
        }
    }

    /// A query on a pooled connection, its rows collected.
    @discardableResult
    func query(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await bounded { try await self.client.query(query, logger: self.logger).collect() }
    }

    /// `body` within ``timeout``; no answer, or a connection that failed, is ``StorageUnavailable``.
    private func bounded<Result: Sendable>(_ body: @escaping @Sendable () async throws -> Result) async throws -> Result
    {
        do {
            return try await Self.within(timeout, body)
        } catch is TimedOut {
            throw StorageUnavailable(detail: "no answer from PostgreSQL at \(url.place) within \(timeout)")
        } catch let error as PSQLError where error.code != .server || Self.isOutage(error) {
            throw StorageUnavailable(detail: "PostgreSQL at \(url.place): \(Self.describe(error))")
        }
    }

    /// Whether the server's own error says it is going away or cannot serve now, rather than
    /// that the statement was wrong: SQLSTATE class 08 (connection exception), 53 (insufficient
    /// resources, e.g. too many connections) and 57 (operator intervention: a shutdown, a
    /// restart). Each is a 503 to the client, like no answer at all.
    static func isOutage(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return ["08", "53", "57"].contains(String(state.prefix(2)))
    }

    /// Runs the migrations not yet applied, in one transaction holding an advisory lock.
    func migrate() async throws {
        // not bounded by `timeout`: waiting for another replica's migration is not an outage
        try await client.withTransaction(logger: logger) { connection in
            // per schema: replicas on one schema migrate one at a time, other schemas need not wait
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(Self.migrationLock), hashtext(current_schema()))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS schema_migration (name text PRIMARY KEY, applied_at double precision NOT NULL)",
                logger: logger)
            var applied = Set<String>()
            for try await name in try await connection.query("SELECT name FROM schema_migration", logger: logger)
                .decode(String.self)
            {
                applied.insert(name)
            }
            for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                let now = Date().timeIntervalSince1970
                try await connection.query(
                    "INSERT INTO schema_migration (name, applied_at) VALUES (\(migration.name), \(now))", logger: logger
                )
                logger.notice("PostgreSQL migration applied: \(migration.name)")
            }
        }
    }

    /// The first half of the advisory lock key migrations take (the second is the schema's hash).
    static let migrationLock: Int32 = 0x6175_7468  // "auth"

    /// A PostgreSQL error in one line: the server's message, or the connection problem.
    static func describe(_ error: (any Error)?) -> String {
        guard let error else { return "no answer" }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }
}

/// Closes the pool when the server stops.
struct PostgresDatabaseService: Service {
    let database: PostgresDatabase

    func run() async throws {
        try? await gracefulShutdown()
        database.close()
    }
}

extension Array where Element == PostgresRow {
    /// Each collected row as the tuple of `columns`.
    func decode<each Column: PostgresDecodable>(_ columns: (repeat each Column).Type) throws -> [(repeat each Column)] {
        try map { try $0.decode(columns) }
    }
}
