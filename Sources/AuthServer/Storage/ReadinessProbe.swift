import GRDB
import PostgresNIO

/// Whether the database takes a write now, for `GET /readyz`: a load balancer or Docker's
/// HEALTHCHECK should stop sending requests to a replica whose database cannot record a login.
/// The probe changes nothing stored.
protocol ReadinessProbe: Sendable {
    /// Returns when a write would succeed; throws saying why not.
    func checkWritable() async throws
}

/// SQLite: takes the write lock (`BEGIN IMMEDIATE`) and rolls back, so a locked or read-only
/// file fails here rather than on the next login.
struct SQLiteReadiness: ReadinessProbe {
    let writer: any DatabaseWriter

    func checkWritable() async throws {
        try await writer.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) { .rollback }
        }
    }
}

/// PostgreSQL: `txid_current()` assigns a transaction id, which a read-only server (a standby)
/// refuses; bounded by `DATABASE_TIMEOUT` like every call.
struct PostgresReadiness: ReadinessProbe {
    let database: PostgresDatabase

    func checkWritable() async throws {
        try await database.query("SELECT txid_current()", logger: database.logger)
    }
}
