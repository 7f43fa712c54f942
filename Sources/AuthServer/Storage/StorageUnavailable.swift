/// The database did not answer in time, or its connection failed: the request is answered 503
/// (it was not done, or not known to be done) and the server goes on; the pool reconnects by
/// itself when the database is back.
struct StorageUnavailable: Error, Sendable, CustomStringConvertible {
    var detail: String
    var description: String { detail }
}
