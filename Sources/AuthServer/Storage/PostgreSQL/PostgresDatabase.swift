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
    let client: PostgresClient
    let url: PostgresURL
    let logger: Logger
    private let running: Task<Void, Never>

    /// Connects (retrying for `patience`, since a database starting beside the server may not
    /// accept connections yet) and migrates. A database that never answers is a one-line error
    /// naming where it was looked for.
    static func open(
        url: PostgresURL, poolSize: Int, logger: Logger, patience: Duration = .seconds(10)
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
        let database = PostgresDatabase(url: url, poolSize: poolSize, logger: logger)
        repeat {
            do {
                // the pool waits for a connection as long as it is asked to: each try is bounded
                let left = deadline - ContinuousClock.now
                try await Self.within(max(.milliseconds(500), min(left, .seconds(3)))) { try await database.migrate() }
                return database
            } catch let error as PSQLError where error.code == .server {
                database.close()
                throw StartupError("PostgreSQL at \(url.place) refused: \(Self.describe(error))")
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(250))
            }
        } while ContinuousClock.now < deadline
        database.close()
        throw StartupError(
            "cannot reach PostgreSQL at \(url.place) (DATABASE_URL \(url)) after \(patience): "
                + Self.describe(lastError))
    }

    /// Opens and closes one connection outside the pool, so its error is the real one.
    private static func probe(_ url: PostgresURL, logger: Logger) async throws {
        var configuration: PostgresConnection.Configuration
        if let socket = url.socketDirectory {
            configuration = .init(
                unixSocketPath: "\(socket)/.s.PGSQL.\(url.port)", username: url.user, password: url.password,
                database: url.database)
        } else {
            var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            tlsConfiguration.certificateVerification = .none
            let tls: PostgresConnection.Configuration.TLS =
                switch url.sslMode {
                case .disable: .disable
                case .allow, .prefer: .prefer(try NIOSSLContext(configuration: tlsConfiguration))
                case .require, .verifyCA, .verifyFull: .require(try NIOSSLContext(configuration: tlsConfiguration))
                }
            configuration = .init(
                host: url.host ?? "localhost", port: url.port, username: url.user, password: url.password,
                database: url.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(2)
        if let options = url.options { configuration.options.additionalStartupParameters = [("options", options)] }
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 0, logger: logger
        ).get()
        try await connection.close()
    }

    struct TimedOut: Error, CustomStringConvertible {
        var description: String { "no connection within the time allowed" }
    }

    /// `body`, or ``TimedOut`` once `limit` has passed (`body` is then cancelled).
    static func within(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw TimedOut()
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    private init(url: PostgresURL, poolSize: Int, logger: Logger) {
        var configuration: PostgresClient.Configuration
        if let socket = url.socketDirectory {
            configuration = .init(
                unixSocketPath: "\(socket)/.s.PGSQL.\(url.port)", username: url.user, password: url.password,
                database: url.database)
        } else {
            let tls: PostgresClient.Configuration.TLS
            switch url.sslMode {
            case .disable: tls = .disable
            case .allow, .prefer:
                var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
                tlsConfiguration.certificateVerification = .none
                tls = .prefer(tlsConfiguration)
            case .require:
                var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
                tlsConfiguration.certificateVerification = .none
                tls = .require(tlsConfiguration)
            case .verifyCA, .verifyFull:
                var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
                tlsConfiguration.certificateVerification =
                    url.sslMode == .verifyFull ? .fullVerification : .noHostnameVerification
                tls = .require(tlsConfiguration)
            }
            configuration = .init(
                host: url.host ?? "localhost", port: url.port, username: url.user, password: url.password,
                database: url.database, tls: tls)
        }
        configuration.options.maximumConnections = poolSize
        if let options = url.options { configuration.options.additionalStartupParameters = [("options", options)] }
        configuration.options.connectTimeout = .seconds(3)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.url = url
        self.logger = logger
        running = Task { await client.run() }
    }

    /// Stops the pool (its connections close).
    func close() {
        running.cancel()
    }

    /// One transaction; rolled back when `body` throws, which rethrows `body`'s own error (or
    /// the one of `BEGIN` or `COMMIT`), not postgres-nio's wrapper of it.
    func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.beginError ?? error.commitError ?? error
        }
    }

    /// Runs the migrations not yet applied, in one transaction holding an advisory lock.
    func migrate() async throws {
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
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

    /// The advisory lock key migrations take (any constant shared by every replica).
    static let migrationLock: Int64 = 0x6175_7468_6d69_6772  // "authmigr"

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
