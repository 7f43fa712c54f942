/// The auth server's database as its stores see it, whichever it is: reads, and writes that
/// are one transaction each. ``GRDBSQLDatabase`` (SQLite) and ``PostgresSQLDatabase`` adapt it.
///
/// ```swift
/// let account = try await database.write { db in
///     try await db.execute("UPDATE account SET about = \(about) WHERE id = \(id)")
///     return try await db.fetchOne("SELECT \(unescaped: UserAccount.columns) FROM account WHERE id = \(id)")
/// }
/// ```
protocol SQLDatabase: Sendable {
    var dialect: SQLDialect { get }

    /// `body` with a connection that reads committed rows.
    func read<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLConnection) async throws -> Result
    )
        async throws -> Result

    /// `body` in one transaction: committed when it returns, rolled back when it throws (its
    /// error rethrown).
    func write<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLConnection) async throws -> Result
    )
        async throws -> Result

    /// One statement in a transaction of its own, its rows returned: for PostgreSQL one round
    /// trip (no `BEGIN` and `COMMIT` around it), so single-statement changes use this.
    @discardableResult
    func run(_ query: SQLQuery) async throws -> [SQLRow]

    /// What a unique index or constraint refused, if `error` is such a refusal: its name, or the
    /// columns it covers (`account.username`, `account_email_key`).
    func uniqueViolation(in error: any Error) -> String?
}

/// A connection inside ``SQLDatabase/read(_:)`` or ``SQLDatabase/write(_:)``.
protocol SQLConnection: Sendable {
    var dialect: SQLDialect { get }

    /// Runs a statement and returns its rows (none for one without `RETURNING`).
    @discardableResult
    func fetchAll(_ query: SQLQuery) async throws -> [SQLRow]

    /// Tells the other replicas `payload` on `channel` when this transaction commits
    /// (PostgreSQL's `NOTIFY`); nothing in SQLite, which has no other replica to tell.
    func notify(channel: String, payload: String) async throws
}

extension SQLConnection {
    /// Runs a statement whose rows do not matter.
    func execute(_ query: SQLQuery) async throws {
        try await fetchAll(query)
    }

    func fetchOne(_ query: SQLQuery) async throws -> SQLRow? {
        try await fetchAll(query).first
    }

    /// The first column of the first row, if any.
    func fetchValue<Value: SQLValueConvertible>(
        _ query: SQLQuery, as type: Value.Type = Value.self
    )
        async throws -> Value?
    {
        guard let row = try await fetchOne(query) else { return nil }
        return try row.decode(0, as: Value.self)
    }

    /// How many rows a statement with `RETURNING 1` changed.
    func changes(_ query: SQLQuery) async throws -> Int {
        try await fetchAll(query).count
    }
}

extension SQLDatabase {
    /// Statements that change rows and return none, all or none of them: on PostgreSQL one
    /// statement (each but the last a data-modifying `WITH` of it), so one round trip instead of
    /// `BEGIN`, each, `COMMIT`; on SQLite, whose transactions cost no round trip, one transaction.
    /// The statements must not read what another of them writes (PostgreSQL runs them on one
    /// snapshot).
    ///
    /// ```swift
    /// try await database.runTogether([
    ///     "INSERT INTO refresh_token (token_hash, family) VALUES (\(hash), \(family))",
    ///     "INSERT INTO token_family (family, subject) VALUES (\(family), \(subject))",
    /// ])
    /// ```
    func runTogether(_ statements: [SQLQuery]) async throws {
        guard let last = statements.last else { return }
        switch dialect {
        case .postgres:
            let steps = statements.dropLast().enumerated().map { index, statement in
                "step\(unescaped: String(index)) AS (" + statement + ")"
            }
            try await run(steps.isEmpty ? last : "WITH " + SQLQuery.joined(steps) + " " + last)
        case .sqlite:
            try await write { db in
                for statement in statements { try await db.execute(statement) }
            }
        }
    }
}
