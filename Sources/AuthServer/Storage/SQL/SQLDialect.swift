/// Where the two databases spell a statement differently, by name: the statements themselves
/// are written once (``SQLQuery``) and render these pieces for the database they run on.
/// SQLKit's `SQLDialect` is the precedent; this is only what the auth server's tables need.
/// (Both databases take `RETURNING`, `ON CONFLICT … DO NOTHING / DO UPDATE` and
/// `IS [NOT] DISTINCT FROM`, from SQLite 3.39 on, so those are plain SQL here.)
enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// The `n`th value's placeholder (from 1): `?` or `$n`.
    func placeholder(_ n: Int) -> String {
        switch self {
        case .sqlite: "?"
        case .postgres: "$\(n)"
        }
    }

    /// A piece of SQL that differs between the two.
    enum Piece: Sendable {
        /// After a `SELECT`: lock the rows read until the transaction ends. PostgreSQL's
        /// `FOR UPDATE`; nothing in SQLite, whose write transactions (`BEGIN IMMEDIATE`) already
        /// hold the one write lock.
        case lockRows
        /// After a `SELECT` of queued rows to claim: lock them, passing over rows another
        /// transaction holds, so claimers at once take different rows (PostgreSQL's
        /// `FOR UPDATE SKIP LOCKED`); nothing in SQLite, where one writer claims at a time.
        case claimRows
        /// A text column compared without regard to case, against a lowercased value: SQLite's
        /// `column COLLATE NOCASE` (what its unique index uses), PostgreSQL's `lower(column)`
        /// (its index is on that expression).
        case caseFolded(column: String)
    }

    func render(_ piece: Piece) -> String {
        switch (self, piece) {
        case (.sqlite, .lockRows): ""
        case (.postgres, .lockRows): "FOR UPDATE"
        case (.sqlite, .claimRows): ""
        case (.postgres, .claimRows): "FOR UPDATE SKIP LOCKED"
        case (.sqlite, .caseFolded(let column)): "\(column) COLLATE NOCASE"
        case (.postgres, .caseFolded(let column)): "lower(\(column))"
        }
    }
}
