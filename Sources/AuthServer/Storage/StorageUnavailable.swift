/// The database did not answer in time, or its connection failed: the request is answered 503
/// (it was not done, or not known to be done) and the server goes on; the pool reconnects by
/// itself when the database is back.
struct StorageUnavailable: Error, Sendable, CustomStringConvertible {
    var detail: String
    var description: String { detail }

    /// `error` when it means the database could not be had in time: PostgreSQL's own (already a
    /// ``StorageUnavailable``), or SQLite's busy and locked errors (another process held the write
    /// lock past the busy timeout). Both backends then answer the same 503 with `Retry-After`.
    static func meaning(_ error: any Error) -> StorageUnavailable? {
        if let unavailable = error as? StorageUnavailable { return unavailable }
        return SQLiteDatabase.unavailable(error)
    }
}
