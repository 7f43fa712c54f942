import Foundation
import Logging
import Testing

@testable import AuthServer

/// The databases the store contract runs on: a SQLite file always, PostgreSQL when
/// `AUTH_TEST_DATABASE_URL` names a cluster (as `scripts/test.sh` does). Each case opens a
/// fresh database (a new file, a new schema) and, for the cases about replicas, a second
/// ``AuthStorage`` on the same one: its own connections, as another process would have.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite = "SQLite"
    case postgres = "PostgreSQL"

    static var available: [StoreBackend] { TestBackend.postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { rawValue }

    /// Two storages on one fresh database (a replica pair); closed after `body`.
    func withReplicas(
        lifetime: TimeInterval = 600, _ body: (AuthStorage, AuthStorage) async throws -> Void
    ) async throws {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "contract-\(UUID().uuidString).sqlite"
            ).path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let first = try await AuthStorage.sqlite(path: path, accessTokenLifetime: lifetime, now: { Date() })
            let second = try await AuthStorage.sqlite(path: path, accessTokenLifetime: lifetime, now: { Date() })
            try await body(first, second)
        case .postgres:
            let url = try #require(try await TestBackend.freshPostgres())
            var logger = Logger(label: "store-contract")
            logger.logLevel = .critical
            let first = try await AuthStorage.postgres(
                url: url, poolSize: 4, wait: .seconds(5), accessTokenLifetime: lifetime, logger: logger,
                now: { Date() })
            defer { first.postgres?.close() }
            let second = try await AuthStorage.postgres(
                url: url, poolSize: 4, wait: .seconds(5), accessTokenLifetime: lifetime, logger: logger,
                now: { Date() })
            defer { second.postgres?.close() }
            try await body(first, second)
        }
    }

    /// One storage on a fresh database.
    func with(_ body: (AuthStorage) async throws -> Void) async throws {
        try await withReplicas { first, _ in try await body(first) }
    }
}
