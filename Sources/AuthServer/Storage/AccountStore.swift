#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Accounts and the JSON password login's challenges, on either database. What a password
/// change, a reset or disabling an account ends is a rule of its own, in `Accounts/EndingSessions.swift`.
///
/// ```swift
/// let store = AccountStore(database: database, refreshTokens: refreshTokens)
/// let account = try await store.create(username: "alice", email: "alice@example.com", passwordHash: hash, now: Date())
/// ```
struct AccountStore: Sendable {
    let database: any SQLDatabase
    /// Told of the refresh-token families a rule revoked, once its transaction committed.
    let refreshTokens: RefreshTokenStore

    /// Registers an account. Uniqueness is checked inside the write transaction (SQLite's are
    /// serialised); where two PostgreSQL transactions race for one name, the unique index
    /// refuses the second and its violation is told apart by what it names.
    func create(username: String, email: String, passwordHash: String, now: Date) async throws -> UserAccount {
        let time = now.timeIntervalSince1970
        return try await uniquely {
            try await database.write { db in
                let rows = AccountRows(db: db)
                try await rows.checkUnique(username: username, email: email, except: nil)
                return try await rows.first(
                    """
                    INSERT INTO account (sid, username, email, email_key, password_hash, created_at, updated_at)
                    VALUES (\(AccountSid.make()), \(username), \(email), \(email.lowercased()), \(passwordHash), \(time), \(time))
                    RETURNING \(unescaped: UserAccount.columns)
                    """)!
            }
        }
    }

    /// By username (any case) or email (any case).
    func find(login: String) async throws -> UserAccount? {
        try await database.read { db in try await AccountRows(db: db).find(login: login) }
    }

    /// By email only (any case).
    func find(email: String) async throws -> UserAccount? {
        try await database.read { db in try await AccountRows(db: db).first(where: "email_key = \(email.lowercased())")
        }
    }

    func find(id: Int64) async throws -> UserAccount? {
        try await database.read { db in try await AccountRows(db: db).first(where: "id = \(id)") }
    }

    func find(sid: String) async throws -> UserAccount? {
        try await database.read { db in try await AccountRows(db: db).first(where: "sid = \(sid)") }
    }

    /// Accounts whose username, email or 2FA phone contains `text`, any case, oldest first.
    func search(_ text: String, limit: Int) async throws -> [UserAccount] {
        // LIKE's own wildcards in the text match themselves
        var pattern = "%"
        for character in text.lowercased() {
            if "\\%_".contains(character) { pattern.append("\\") }
            pattern.append(character)
        }
        pattern.append("%")
        let like = pattern
        return try await database.read { db in
            try await db.fetchAll(
                """
                SELECT \(unescaped: UserAccount.columns) FROM account
                WHERE lower(username) LIKE \(like) ESCAPE '\\' OR email_key LIKE \(like) ESCAPE '\\'
                    OR phone LIKE \(like) ESCAPE '\\'
                ORDER BY id LIMIT \(limit)
                """
            ).map(UserAccount.init(row:))
        }
    }

    func updateProfile(id: Int64, username: String, about: String, now: Date) async throws -> UserAccount {
        try await uniquely {
            try await database.write { db in
                let rows = AccountRows(db: db)
                try await rows.checkUnique(username: username, email: nil, except: id)
                return try await rows.first(
                    """
                    UPDATE account SET username = \(username), about = \(about), updated_at = \(now.timeIntervalSince1970)
                    WHERE id = \(id) RETURNING \(unescaped: UserAccount.columns)
                    """)!
            }
        }
    }

    func setPendingPhone(id: Int64, phone: String?) async throws {
        try await database.run("UPDATE account SET pending_phone = \(phone) WHERE id = \(id)")
    }

    /// One transaction over the account tables (the rules' changes: ``AccountRows``).
    func write<Result: Sendable>(
        _ body: @escaping @Sendable (AccountRows) async throws -> Result
    ) async throws
        -> Result
    {
        try await database.write { db in try await body(AccountRows(db: db)) }
    }

    /// `body`, a unique index's refusal of a name or email turned into ``AccountConflict``.
    private func uniquely<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch {
            guard let violated = database.uniqueViolation(in: error) else { throw error }
            throw violated.contains("username") ? AccountConflict.username : AccountConflict.email
        }
    }

    // MARK: Login challenges (a JSON password login waiting for its second factor)

    /// A new challenge for `accountID`; only its hash is stored.
    func createChallenge(accountID: Int64, now: Date, lifetime: TimeInterval) async throws -> String {
        let token = OpaqueToken.make()
        let time = now.timeIntervalSince1970
        try await database.write { db in
            try await db.execute("DELETE FROM login_challenge WHERE expires_at <= \(time)")
            try await db.execute(
                """
                INSERT INTO login_challenge (token_hash, account_id, expires_at)
                VALUES (\(OpaqueToken.hash(token)), \(accountID), \(time + lifetime))
                """)
        }
        return token
    }

    /// The account a live challenge belongs to.
    func challengeAccount(_ token: String, now: Date) async throws -> UserAccount? {
        try await database.read { db in
            try await AccountRows(db: db).first(
                where: """
                    id = (SELECT account_id FROM login_challenge
                          WHERE token_hash = \(OpaqueToken.hash(token)) AND expires_at > \(now.timeIntervalSince1970))
                    """)
        }
    }

    /// The push challenge a JSON login is waiting on (the latest one sent).
    func setPushChallenge(_ token: String, sid: String) async throws {
        try await database.run(
            "UPDATE login_challenge SET push_challenge_sid = \(sid) WHERE token_hash = \(OpaqueToken.hash(token))")
    }

    func pushChallenge(_ token: String) async throws -> String? {
        try await database.read { db in
            try await db.fetchValue(
                "SELECT push_challenge_sid FROM login_challenge WHERE token_hash = \(OpaqueToken.hash(token))",
                as: String?.self) ?? nil
        }
    }

    func deleteChallenge(_ token: String) async throws {
        try await database.run("DELETE FROM login_challenge WHERE token_hash = \(OpaqueToken.hash(token))")
    }
}

/// A registration or rename that would take a username or email another account has.
enum AccountConflict: Error, Sendable, Equatable {
    case username
    case email
}

/// The public id of a new account: `US` and 32 random hex digits.
enum AccountSid {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        let hex = (0..<32).map { _ in digits[Int(generator.next() % 16)] }
        return "US" + String(decoding: hex, as: UTF8.self)
    }
}
