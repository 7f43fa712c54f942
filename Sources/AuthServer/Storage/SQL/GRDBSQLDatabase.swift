import GRDB

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ``SQLDatabase`` on a GRDB writer (SQLite).
///
/// GRDB runs a transaction inside one synchronous closure, and the stores' transactions are
/// `async` (PostgreSQL's must be), so a write here is a transaction GRDB allows to span calls
/// (`allowsUnsafeTransactions`): `BEGIN IMMEDIATE`, each statement, then `COMMIT` or `ROLLBACK`.
/// ``WriteGate`` lets one write of this process run at a time, so nothing else uses the writer
/// connection in between, and every step is a synchronous call on that idle connection: the
/// transactions of a busy server run back to back on whichever thread holds the gate, with no
/// hop to GRDB's queue and back between them (an `async` `BEGIN` cost a fifth of the SQLite
/// login rate), and a cancelled task can never leave one open. The one wait that can hold a
/// thread is another *process*'s write lock, bounded by the busy timeout (then a 503). An
/// in-memory database (one connection for everything) sends its reads through the gate too.
final class GRDBSQLDatabase: SQLDatabase {
    let writer: any DatabaseWriter
    var dialect: SQLDialect { .sqlite }
    private let gate = WriteGate()
    private let readsShareWriter: Bool

    init(writer: any DatabaseWriter) {
        self.writer = writer
        readsShareWriter = writer is DatabaseQueue
    }

    func read<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLConnection) async throws -> Result
    )
        async throws -> Result
    {
        guard readsShareWriter else { return try await body(Reading(writer: writer)) }
        return try await gate.withTurn { try await body(Writing(writer: writer)) }
    }

    func write<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLConnection) async throws -> Result
    )
        async throws -> Result
    {
        try await gate.withTurn {
            do {
                try Self.now(writer) { db in try db.beginTransaction(.immediate) }
            } catch {
                try rollbackIfOpen()
                throw error
            }
            let result: Result
            do {
                result = try await body(Writing(writer: writer))
            } catch {
                try rollbackIfOpen()
                throw error
            }
            do {
                try Self.now(writer) { db in try db.commit() }
            } catch {
                try rollbackIfOpen()
                throw error
            }
            return result
        }
    }

    /// One statement in one synchronous access (`BEGIN IMMEDIATE`, the statement, `COMMIT`).
    func run(_ query: SQLQuery) async throws -> [SQLRow] {
        try await gate.withTurn {
            try Self.now(writer) { db in
                var rows: [SQLRow] = []
                try db.inTransaction(.immediate) {
                    rows = try Self.fetch(db, query)
                    return .commit
                }
                return rows
            }
        }
    }

    func uniqueViolation(in error: any Error) -> String? {
        guard let error = error as? DatabaseError, error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE else {
            return nil
        }
        return error.message ?? "unique"
    }

    private func rollbackIfOpen() throws {
        try Self.now(writer) { db in
            if db.isInsideTransaction { try db.rollback() }
        }
    }

    /// A synchronous access to the writer, which the open transaction holds: it does not wait
    /// for anything, and a cancelled task cannot interrupt it.
    private static func now<Value>(_ writer: any DatabaseWriter, _ body: (Database) throws -> Value) throws -> Value {
        try writer.writeWithoutTransaction(body)
    }

    /// Statements in the open write transaction: synchronous on the writer, which is this
    /// transaction's alone.
    private struct Writing: SQLConnection {
        let writer: any DatabaseWriter
        var dialect: SQLDialect { .sqlite }

        func fetchAll(_ query: SQLQuery) async throws -> [SQLRow] {
            try GRDBSQLDatabase.now(writer) { db in try GRDBSQLDatabase.fetch(db, query) }
        }

        func notify(channel: String, payload: String) async throws {}
    }

    /// Reads on a reader connection of the pool, each statement in its own snapshot.
    private struct Reading: SQLConnection {
        let writer: any DatabaseWriter
        var dialect: SQLDialect { .sqlite }

        func fetchAll(_ query: SQLQuery) async throws -> [SQLRow] {
            try await writer.read { db in try GRDBSQLDatabase.fetch(db, query) }
        }

        func notify(channel: String, payload: String) async throws {}
    }

    private static func fetch(_ db: Database, _ query: SQLQuery) throws -> [SQLRow] {
        let (sql, values) = query.rendered(for: .sqlite)
        let statement = try db.cachedStatement(sql: sql)
        let arguments = StatementArguments(try values.map(databaseValue))
        return try Row.fetchAll(statement, arguments: arguments).map { row in
            SQLRow(values: row.databaseValues.map(sqlValue))
        }
    }

    private static func databaseValue(_ value: SQLValue) throws -> DatabaseValue {
        switch value {
        case .array: throw SQLDecodingError(expected: "a value SQLite can bind (it has no arrays)", found: value)
        case .integer(let value): value.databaseValue
        case .double(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .blob(let value): value.databaseValue
        case .null: .null
        }
    }

    private static func sqlValue(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .int64(let value): .integer(value)
        case .double(let value): .double(value)
        case .string(let value): .text(value)
        case .blob(let value): .blob(value)
        case .null: .null(.text)
        }
    }
}
