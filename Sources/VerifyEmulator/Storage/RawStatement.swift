import GRDB
import GRDBSQLite

/// One of GRDB's cached statements, bound and stepped through the SQLite C API directly.
///
/// Only for the handful of statements on the single writer's hot path (start and check a
/// verification): GRDB's argument arrays, value conversions and `Row` objects cost about a
/// quarter of the writer's time there, and the writer is the one stage every request passes
/// through in turn. The statement is reset after use, so GRDB finds it as it left it.
///
/// ```swift
/// let statement = try RawStatement(db, sql: "SELECT code FROM verification WHERE sid = ?")
/// defer { statement.finish() }
/// statement.bind(1, sid)
/// let code = try statement.step() ? statement.text(0) : nil
/// ```
struct RawStatement {
    private let handle: SQLiteStatement
    private let connection: SQLiteConnection?

    /// The statement comes as it was left: reset by ``finish()`` (or by a failed ``step()``)
    /// with its old bindings, which every user overwrites in full.
    init(_ db: Database, sql: String) throws {
        handle = try db.cachedStatement(sql: sql).sqliteStatement
        connection = db.sqliteConnection
    }

    /// SQLite copies bound text at once (`SQLITE_TRANSIENT`), so the Swift string may go away.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: String) {
        sqlite3_bind_text(handle, index, value, -1, Self.transient)
    }

    func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ index: Int32, _ value: Int) {
        sqlite3_bind_int64(handle, index, Int64(value))
    }

    /// Advances: true with a row to read, false when done.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
    }

    /// Runs a statement that returns no rows.
    func run() throws {
        defer { finish() }
        _ = try step()
    }

    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        return String(cString: bytes)
    }

    func optionalText(_ column: Int32) -> String? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : text(column)
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    func bool(_ column: Int32) -> Bool { sqlite3_column_int64(handle, column) != 0 }

    /// Resets the statement for its next use (always call when done reading).
    func finish() {
        sqlite3_reset(handle)
    }
}
