import Foundation
import Logging
import PostgresNIO
import Testing

@testable import AuthServer

/// `DATABASE_URL` in libpq's forms, its mistakes, and start-up against a PostgreSQL that is not
/// there or refuses: one line naming the place, after a bounded wait.
@Suite("Auth server: PostgreSQL settings and start-up")
struct PostgresSettingsTests {
    @Test("libpq URL forms: user, password, port, database, sslmode, a socket, IPv6, percent-escapes")
    func urls() throws {
        let full = try PostgresURL("postgres://auth:s%40cret@db.internal:6543/accounts?sslmode=require")
        #expect(full.host == "db.internal" && full.port == 6543 && full.user == "auth" && full.password == "s@cret")
        #expect(full.database == "accounts" && full.sslMode == .require)
        #expect(full.description == "postgres://auth@db.internal:6543/accounts")
        let short = try PostgresURL("postgresql://app@localhost")
        #expect(short.port == 5432 && short.database == "app" && short.password == nil && short.sslMode == .prefer)
        let socket = try PostgresURL("postgres://app@/auth?host=/run/postgresql")
        #expect(socket.socketDirectory == "/run/postgresql" && socket.host == nil)
        #expect(socket.place == "/run/postgresql/.s.PGSQL.5432")
        let ipv6 = try PostgresURL("postgres://app@[::1]:5433/auth")
        #expect(ipv6.host == "::1" && ipv6.port == 5433)
        let mistakes = [
            "mysql://app@localhost/auth", "postgres://localhost/auth", "postgres://app@localhost:99999/auth",
            "postgres://app@localhost/auth?sslmode=sometimes", "postgres://app@/auth",
        ]
        for text in mistakes {
            #expect(throws: PostgresURL.Invalid.self, "\(text)") { try PostgresURL(text) }
        }
    }

    @Test("DATABASE_URL and DATABASE_PATH together, or a bad URL, stop start-up naming the setting")
    func settings() throws {
        let base = ["AUTH_SERVER_DEVELOPMENT": "1"]
        let postgres = try AuthConfiguration.fromEnvironment(
            base.merging(["DATABASE_URL": "postgres://auth@127.0.0.1:5432/auth", "DATABASE_POOL_SIZE": "4"]) { a, _ in a
            })
        #expect(postgres.databaseURL?.host == "127.0.0.1" && postgres.databasePoolSize == 4)
        // no keep-alive unless asked for
        #expect(postgres.databaseKeepAlive == nil)
        let tuned = try AuthConfiguration.fromEnvironment(
            base.merging(["DATABASE_POOL_SIZE": "8", "DATABASE_KEEPALIVE": "30"]) { a, _ in a
            })
        #expect(tuned.databasePoolSize == 8 && tuned.databaseKeepAlive == .seconds(30))
        let off = try AuthConfiguration.fromEnvironment(base.merging(["DATABASE_KEEPALIVE": "off"]) { a, _ in a })
        #expect(off.databaseKeepAlive == nil)
        do {
            _ = try AuthConfiguration.fromEnvironment(base.merging(["DATABASE_KEEPALIVE": "often"]) { a, _ in a })
            Issue.record("DATABASE_KEEPALIVE=often was accepted")
        } catch {
            #expect(error.description == "DATABASE_KEEPALIVE: must be a whole number from 1 to 3600, or off")
        }
        for (settings, named) in [
            (["DATABASE_URL": "postgres://auth@h/db", "DATABASE_PATH": "auth.sqlite"], "DATABASE_URL"),
            (["DATABASE_URL": "postgres:/broken"], "DATABASE_URL"),
            (["DATABASE_POOL_SIZE": "0"], "DATABASE_POOL_SIZE"),
            (["DATABASE_WAIT": "forever"], "DATABASE_WAIT"),
            (["DATABASE_KEEPALIVE": "sometimes"], "DATABASE_KEEPALIVE"),
            (["DATABASE_KEEPALIVE": "86400"], "DATABASE_KEEPALIVE"),
        ] {
            do {
                _ = try AuthConfiguration.fromEnvironment(base.merging(settings) { a, _ in a })
                Issue.record("\(settings) was accepted")
            } catch {
                #expect(error.setting == named)
            }
        }
    }

    @Test(
        "DATABASE_KEEPALIVE: a connection left unused that long runs SELECT 1; without it, nothing runs",
        .enabled(if: TestBackend.postgresURL != nil, "needs the PostgreSQL test cluster"))
    func keepAlive() async throws {
        let admin = try #require(TestBackend.postgresURL)
        var logger = Logger(label: "auth-pool")
        logger.logLevel = .critical
        /// Opens a pool with `keepAlive`, uses two connections at once, leaves them 1.5 s, and
        /// says how many of them last ran the keep-alive query.
        func pinged(keepAlive: Duration?) async throws -> Int {
            var url = try #require(try await TestBackend.freshPostgres())
            let name = "pool_" + UUID().uuidString.prefix(8).lowercased()
            url.options = (url.options ?? "") + " -c application_name=\(name)"
            let storage = try await AuthStorage.postgres(
                url: url, poolSize: 4, keepAlive: keepAlive, wait: .seconds(5), accessTokenLifetime: 60,
                logger: logger, now: { Date() })
            defer { storage.postgres?.close() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask { try await storage.database.run("SELECT pg_sleep(0.2)") }
                }
                try await group.waitForAll()
            }
            try await Task.sleep(for: .milliseconds(1500))
            var count = 0
            try await TestBackend.withAdmin(admin) { client in
                let rows = try await client.query(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT count(*)::int FROM pg_stat_activity
                            WHERE application_name = '\(name)' AND query ILIKE 'SELECT 1%'
                            """))
                for try await value in rows.decode(Int.self) { count = value }
            }
            return count
        }
        #expect(try await pinged(keepAlive: .seconds(1)) >= 2)
        #expect(try await pinged(keepAlive: nil) == 0)
    }

    @Test("an unreachable PostgreSQL stops start-up after DATABASE_WAIT with one line naming the host and port")
    func unreachable() async throws {
        var logger = Logger(label: "auth-no-postgres")
        logger.logLevel = .critical
        let started = ContinuousClock.now
        let error = await #expect(throws: StartupError.self) {
            _ = try await AuthStorage.postgres(
                url: try PostgresURL("postgres://auth@127.0.0.1:9/auth?sslmode=disable"), poolSize: 2,
                wait: .seconds(1), accessTokenLifetime: 60, logger: logger, now: { Date() })
        }
        #expect(
            error?.description.hasPrefix("cannot reach PostgreSQL at 127.0.0.1:9") == true,
            "\(String(describing: error))")
        #expect(error?.description.contains("\n") == false)
        // it gives up rather than hanging: the bound is loose, so a loaded machine does not fail it
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test(
        "a PostgreSQL that refuses (a database that does not exist) stops start-up at once, saying why",
        .enabled(if: TestBackend.postgresURL != nil, "needs the PostgreSQL test cluster"))
    func refused() async throws {
        var url = try #require(TestBackend.postgresURL)
        url.database = "no_such_database"
        var logger = Logger(label: "auth-refused")
        logger.logLevel = .critical
        let error = await #expect(throws: StartupError.self) {
            _ = try await AuthStorage.postgres(
                url: url, poolSize: 2, wait: .seconds(5), accessTokenLifetime: 60, logger: logger, now: { Date() })
        }
        #expect(error?.description.hasPrefix("PostgreSQL at 127.0.0.1:") == true, "\(String(describing: error))")
        #expect(error?.description.contains(#"database "no_such_database" does not exist"#) == true)
    }
}
