/// A statement and its values, written once for both databases by string interpolation:
/// an interpolated value is bound (never spliced into the text), a ``SQLDialect/Piece`` is
/// rendered for the database, and `unescaped:` splices trusted SQL (a column list).
///
/// ```swift
/// let query: SQLQuery = "SELECT id FROM account WHERE \(.caseFolded(column: "username")) = \(name.lowercased()) \(.lockRows)"
/// query.rendered(for: .postgres).sql  // "SELECT id FROM account WHERE lower(username) = $1 FOR UPDATE"
/// ```
struct SQLQuery: Sendable, ExpressibleByStringInterpolation {
    enum Part: Sendable {
        case sql(String)
        case value(SQLValue)
        case piece(SQLDialect.Piece)
    }

    var parts: [Part]

    init(stringLiteral value: String) {
        parts = [.sql(value)]
    }

    init(stringInterpolation: StringInterpolation) {
        parts = stringInterpolation.parts
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []

        init(literalCapacity: Int, interpolationCount: Int) {
            parts.reserveCapacity(interpolationCount * 2 + 1)
        }

        mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { parts.append(.sql(literal)) }
        }

        mutating func appendInterpolation(_ value: some SQLValueConvertible) {
            parts.append(.value(value.sqlValue))
        }

        /// An optional value, bound as `NULL` when nil (its own overload so that the compiler
        /// does not take it for a `String` interpolation of an optional, and warn).
        mutating func appendInterpolation<Value: SQLValueConvertible>(_ value: Value?) {
            parts.append(.value(value.sqlValue))
        }

        mutating func appendInterpolation(_ piece: SQLDialect.Piece) {
            parts.append(.piece(piece))
        }

        /// Trusted SQL text (a column list, a name), spliced as it is.
        mutating func appendInterpolation(unescaped sql: String) {
            parts.append(.sql(sql))
        }
    }

    /// The text for `dialect` and the values in placeholder order.
    func rendered(for dialect: SQLDialect) -> (sql: String, values: [SQLValue]) {
        var sql = ""
        var values: [SQLValue] = []
        for part in parts {
            switch part {
            case .sql(let text): sql += text
            case .piece(let piece): sql += dialect.render(piece)
            case .value(let value):
                values.append(value)
                sql += dialect.placeholder(values.count)
            }
        }
        return (sql, values)
    }
}

extension SQLQuery {
    /// `items` separated by `separator`: a list of rows or values (`VALUES (…), (…)`, `IN (…)`).
    static func joined(_ items: [SQLQuery], separator: String = ", ") -> SQLQuery {
        var joined: SQLQuery = ""
        for (index, item) in items.enumerated() {
            joined = index == 0 ? item : joined + SQLQuery(stringLiteral: separator) + item
        }
        return joined
    }

    /// Two statements' parts one after the other.
    static func + (lhs: SQLQuery, rhs: SQLQuery) -> SQLQuery {
        var joined = lhs
        joined.parts += rhs.parts
        return joined
    }
}
