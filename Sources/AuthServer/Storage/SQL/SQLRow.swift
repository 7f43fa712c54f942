/// One row read through ``SQLConnection``, its columns in the `SELECT`'s order.
struct SQLRow: Sendable {
    var values: [SQLValue]

    subscript(index: Int) -> SQLValue { values[index] }

    func decode<Value: SQLValueConvertible>(_ index: Int, as type: Value.Type = Value.self) throws -> Value {
        try Value(sqlValue: values[index])
    }
}
