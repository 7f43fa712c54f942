#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One value bound into a statement or read from a row, in the few types the auth server's
/// tables use. A null keeps its type, so PostgreSQL knows what a `$n` that is null stands for.
enum SQLValue: Sendable, Equatable {
    case integer(Int64)
    case double(Double)
    case text(String)
    case blob(Data)
    case null(Kind)
    /// A PostgreSQL array, for a function that takes several keys in one call (SQLite has none).
    case array([SQLValue], of: Kind)

    /// What a column holds, for a null.
    enum Kind: Sendable {
        case integer, double, text, blob
    }
}

/// A Swift type the SQL layer binds and reads: `Int64`, `Int`, `Int32`, `Double`, `String`,
/// `Bool`, `Data`, and optionals of them.
protocol SQLValueConvertible: Sendable {
    var sqlValue: SQLValue { get }
    static var sqlKind: SQLValue.Kind { get }
    /// Reads a column; throws ``SQLDecodingError`` for a null or a value of another type.
    init(sqlValue: SQLValue) throws
}

/// A column that did not hold what the code reading it expected: a bug or a schema mismatch.
struct SQLDecodingError: Error, CustomStringConvertible {
    var expected: String
    var found: SQLValue

    var description: String { "expected \(expected) in a database column, found \(found)" }
}

extension Int64: SQLValueConvertible {
    var sqlValue: SQLValue { .integer(self) }
    static var sqlKind: SQLValue.Kind { .integer }
    init(sqlValue: SQLValue) throws {
        guard case .integer(let value) = sqlValue else {
            throw SQLDecodingError(expected: "an integer", found: sqlValue)
        }
        self = value
    }
}

extension Int: SQLValueConvertible {
    var sqlValue: SQLValue { .integer(Int64(self)) }
    static var sqlKind: SQLValue.Kind { .integer }
    init(sqlValue: SQLValue) throws { self = Int(try Int64(sqlValue: sqlValue)) }
}

extension Double: SQLValueConvertible {
    var sqlValue: SQLValue { .double(self) }
    static var sqlKind: SQLValue.Kind { .double }
    /// SQLite hands back a whole number stored in a REAL column's expression as an integer.
    init(sqlValue: SQLValue) throws {
        switch sqlValue {
        case .double(let value): self = value
        case .integer(let value): self = Double(value)
        default: throw SQLDecodingError(expected: "a number", found: sqlValue)
        }
    }
}

extension String: SQLValueConvertible {
    var sqlValue: SQLValue { .text(self) }
    static var sqlKind: SQLValue.Kind { .text }
    init(sqlValue: SQLValue) throws {
        guard case .text(let value) = sqlValue else { throw SQLDecodingError(expected: "text", found: sqlValue) }
        self = value
    }
}

extension Bool: SQLValueConvertible {
    var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    static var sqlKind: SQLValue.Kind { .integer }
    /// PostgreSQL answers a condition with a boolean, SQLite with 0 or 1.
    init(sqlValue: SQLValue) throws { self = try Int64(sqlValue: sqlValue) != 0 }
}

extension Data: SQLValueConvertible {
    var sqlValue: SQLValue { .blob(self) }
    static var sqlKind: SQLValue.Kind { .blob }
    init(sqlValue: SQLValue) throws {
        guard case .blob(let value) = sqlValue else { throw SQLDecodingError(expected: "bytes", found: sqlValue) }
        self = value
    }
}

extension SQLQuery.StringInterpolation {
    /// An array of values, bound as one PostgreSQL array.
    mutating func appendInterpolation<Element: SQLValueConvertible>(array: [Element]) {
        parts.append(.value(.array(array.map(\.sqlValue), of: Element.sqlKind)))
    }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    var sqlValue: SQLValue { map(\.sqlValue) ?? .null(Wrapped.sqlKind) }
    static var sqlKind: SQLValue.Kind { Wrapped.sqlKind }
    init(sqlValue: SQLValue) throws {
        if case .null = sqlValue { self = nil } else { self = try Wrapped(sqlValue: sqlValue) }
    }
}
