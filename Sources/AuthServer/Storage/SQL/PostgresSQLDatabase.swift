import NIOCore
import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ``SQLDatabase`` on PostgreSQL (``PostgresDatabase``'s pool): a read is one pooled query per
/// statement, a write one `withTransaction`; both bounded by `DATABASE_TIMEOUT` as every call.
struct PostgresSQLDatabase: SQLDatabase {
    let database: PostgresDatabase
    var dialect: SQLDialect { .postgres }

    func read<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLConnection) async throws -> Result
    )
        async throws -> Result
    {
        try await body(Pooled(database: database))
    }

    func write<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLConnection) async throws -> Result
    )
        async throws -> Result
    {
        let database = database
        return try await database.transaction { connection in
            try await body(InTransaction(connection: connection, database: database))
        }
    }

    func run(_ query: SQLQuery) async throws -> [SQLRow] {
        try await Pooled(database: database).fetchAll(query)
    }

    func uniqueViolation(in error: any Error) -> String? {
        guard let error = error as? PSQLError, error.serverInfo?[.sqlState] == "23505" else { return nil }
        return error.serverInfo?[.constraintName] ?? "unique"
    }

    private struct Pooled: SQLConnection {
        let database: PostgresDatabase
        var dialect: SQLDialect { .postgres }

        func fetchAll(_ query: SQLQuery) async throws -> [SQLRow] {
            try await database.query(try PostgresSQLDatabase.postgresQuery(query), logger: database.logger)
                .map(PostgresSQLDatabase.row)
        }

        func notify(channel: String, payload: String) async throws {
            try await execute("SELECT pg_notify(\(channel), \(payload))")
        }
    }

    private struct InTransaction: SQLConnection {
        let connection: PostgresConnection
        let database: PostgresDatabase
        var dialect: SQLDialect { .postgres }

        func fetchAll(_ query: SQLQuery) async throws -> [SQLRow] {
            var rows: [SQLRow] = []
            for try await row in try await connection.query(
                try PostgresSQLDatabase.postgresQuery(query), logger: database.logger)
            {
                rows.append(try PostgresSQLDatabase.row(row))
            }
            return rows
        }

        /// Delivered to every listener when this transaction commits, never if it rolls back.
        func notify(channel: String, payload: String) async throws {
            try await execute("SELECT pg_notify(\(channel), \(payload))")
        }
    }

    static func postgresQuery(_ query: SQLQuery) throws -> PostgresQuery {
        let (sql, values) = query.rendered(for: .postgres)
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { try bind(value, to: &bindings) }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    private static func bind(_ value: SQLValue, to bindings: inout PostgresBindings) throws {
        switch value {
        case .integer(let value): try bindings.append(value)
        case .double(let value): try bindings.append(value)
        case .text(let value): try bindings.append(value)
        case .blob(let value): try bindings.append(ByteBuffer(bytes: value))
        case .null: bindings.appendNull()
        case .array(let values, .integer): try bindings.append(values.map { try Int64(sqlValue: $0) })
        case .array(let values, .double): try bindings.append(values.map { try Double(sqlValue: $0) })
        case .array(let values, .text): try bindings.append(values.map { try String(sqlValue: $0) })
        case .array(let values, .blob): try bindings.append(values.map { ByteBuffer(bytes: try Data(sqlValue: $0)) })
        }
    }

    static func row(_ row: PostgresRow) throws -> SQLRow {
        var values: [SQLValue] = []
        for cell in row {
            values.append(try value(cell))
        }
        return SQLRow(values: values)
    }

    private static func value(_ cell: PostgresCell) throws -> SQLValue {
        let type = cell.dataType
        switch type {
        case .int2: return try cell.decode(Int16?.self).map { .integer(Int64($0)) } ?? .null(.integer)
        case .int4: return try cell.decode(Int32?.self).map { .integer(Int64($0)) } ?? .null(.integer)
        case .int8: return try cell.decode(Int64?.self).map { .integer($0) } ?? .null(.integer)
        case .bool: return try cell.decode(Bool?.self).map { .integer($0 ? 1 : 0) } ?? .null(.integer)
        case .float4, .float8: return try cell.decode(Double?.self).map { .double($0) } ?? .null(.double)
        case .bytea:
            return try cell.decode(ByteBuffer?.self).map { .blob(Data($0.readableBytesView)) } ?? .null(.blob)
        default: return try cell.decode(String?.self).map { .text($0) } ?? .null(.text)
        }
    }
}
