import PostgresNIO

/// Whether the database takes a write now, for `GET /readyz`: a load balancer or Docker's
/// HEALTHCHECK should stop sending requests to a replica whose database cannot record a login.
/// The probe changes nothing stored.
protocol ReadinessProbe: Sendable {
    /// Returns when a write would succeed; throws saying why not.
    func checkWritable() async throws
}

/// SQLite: an empty write transaction, which takes the write lock (`BEGIN IMMEDIATE`) in turn
/// with the stores' own, so a locked or read-only file fails here rather than on the next login.
struct SQLiteReadiness: ReadinessProbe {
    let database: GRDBSQLDatabase

    func checkWritable() async throws {
        try await database.write { _ in }
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
