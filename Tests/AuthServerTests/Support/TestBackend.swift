import Foundation
import Logging
import PostgresNIO

@testable import AuthServer

/// Which database the suite runs on: SQLite in memory, or with `AUTH_TEST_DATABASE_URL` (set by
/// `scripts/test.sh` to its throwaway cluster) PostgreSQL, every test in a schema of its own so
/// tests running in parallel never see each other's rows.
enum TestBackend {
    static let postgresURL: PostgresURL? = ProcessInfo.processInfo.environment["AUTH_TEST_DATABASE_URL"].flatMap {
        try? PostgresURL($0)
    }

    static var name: String { postgresURL == nil ? "SQLite" : "PostgreSQL" }

    /// A new, empty schema in the test cluster, as a `DATABASE_URL` whose search path is it;
    /// nil on SQLite.
    static func freshPostgres() async throws -> PostgresURL? {
        guard var url = postgresURL else { return nil }
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await withAdmin(url) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"))
        }
        url.options = "-c search_path=\(schema)"
        return url
    }

    /// Runs `body` with a short-lived client of the cluster.
    static func withAdmin(_ url: PostgresURL, _ body: (PostgresClient) async throws -> Void) async throws {
        let client = PostgresClient(
            configuration: .init(
                host: url.host ?? "127.0.0.1", port: url.port, username: url.user, password: url.password,
                database: url.database, tls: .disable),
            backgroundLogger: Logger(label: "test-postgres"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await body(client)
        }
    }
}
