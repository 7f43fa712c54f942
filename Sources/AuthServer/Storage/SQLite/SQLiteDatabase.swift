import GRDB

/// The auth server's one SQLite database: refresh tokens, revoked access tokens, accounts,
/// login challenges and web sessions. WAL with `synchronous=NORMAL` for a file; `:memory:` for
/// throwaway runs and tests.
enum SQLiteDatabase {
    static func open(path: String) throws -> GRDBSQLDatabase {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        // replicas share the file: a writer waits for another process's transaction to finish
        configuration.busyMode = .timeout(5)
        // a write transaction spans several calls (``GRDBSQLDatabase``)
        configuration.allowsUnsafeTransactions = true
        let writer: any DatabaseWriter =
            path == ":memory:"
            ? try DatabaseQueue(configuration: configuration)
            : try DatabasePool(path: path, configuration: configuration)
        try migrator.migrate(writer)
        return GRDBSQLDatabase(writer: writer)
    }
}

extension SQLiteDatabase {
    /// A busy or locked database (another process's transaction outlasted the busy timeout) as
    /// ``StorageUnavailable``; nil for any other error.
    static func unavailable(_ error: any Error) -> StorageUnavailable? {
        guard let error = error as? DatabaseError,
            error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
        else { return nil }
        return StorageUnavailable(detail: "SQLite: \(error.message ?? "database is locked")")
    }
}
