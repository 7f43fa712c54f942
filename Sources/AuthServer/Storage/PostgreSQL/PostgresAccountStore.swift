import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ``AccountStore`` in PostgreSQL. Uniqueness is the unique indexes' (`lower(username)`,
/// `email_key`): a registration racing another for one name fails on the index, whichever
/// replica it reached, and the violation is told apart by the index's name.
struct PostgresAccountStore: AccountStore {
    let database: PostgresDatabase
    let refreshTokens: RefreshTokenStore

    static let columns =
        "id, sid, username, email, password_hash, about, phone, pending_phone, sessions_valid_after, disabled_at, "
        + "created_at, totp_factor_sid, pending_totp_sid, push_factor_sid, push_device_name"

    typealias Columns = (
        Int64, String, String, String, String, String, String?, String?, Double, Double?, Double, String?, String?,
        String?, String?
    )

    static func account(_ row: Columns) -> UserAccount {
        UserAccount(
            id: row.0, sid: row.1, username: row.2, email: row.3, passwordHash: row.4, about: row.5, phone: row.6,
            pendingPhone: row.7, sessionsValidAfter: row.8, disabledAt: row.9, createdAt: row.10,
            totpFactorSid: row.11, pendingTOTPSid: row.12, pushFactorSid: row.13, pushDeviceName: row.14)
    }

    /// The first account `query` (a `SELECT` of ``columns``) finds.
    static func fetch(
        _ connection: PostgresConnection, _ query: PostgresQuery, _ database: PostgresDatabase
    )
        async throws -> UserAccount?
    {
        for try await row in try await connection.query(query, logger: database.logger).decode(Columns.self) {
            return account(row)
        }
        return nil
    }

    private func fetch(_ query: PostgresQuery) async throws -> UserAccount? {
        for row in try await database.query(query, logger: database.logger).decode(Columns.self) {
            return Self.account(row)
        }
        return nil
    }

    private static func conflict(_ error: PSQLError) -> AccountConflict? {
        guard error.serverInfo?[.sqlState] == "23505" else { return nil }
        switch error.serverInfo?[.constraintName] {
        case "account_username_key": return .username
        case "account_email_key": return .email
        default: return nil
        }
    }

    func create(username: String, email: String, passwordHash: String, now: Date) async throws -> UserAccount {
        let time = now.timeIntervalSince1970
        let sid = AccountSid.make()
        do {
            return try await database.transaction { connection in
                try await connection.query(
                    """
                    INSERT INTO account (sid, username, email, email_key, password_hash, created_at, updated_at)
                    VALUES (\(sid), \(username), \(email), \(email.lowercased()), \(passwordHash), \(time), \(time))
                    """, logger: database.logger)
                guard
                    let account = try await Self.fetch(
                        connection, "SELECT \(unescaped: Self.columns) FROM account WHERE sid = \(sid)", database)
                else { throw PostgresStoreError.missingRow("account \(sid)") }
                return account
            }
        } catch let error as PSQLError {
            if let conflict = Self.conflict(error) { throw conflict }
            throw error
        }
    }

    func find(login: String) async throws -> UserAccount? {
        try await fetch(
            """
            SELECT \(unescaped: Self.columns) FROM account
            WHERE lower(username) = \(login.lowercased()) OR email_key = \(login.lowercased())
            """)
    }

    func find(email: String) async throws -> UserAccount? {
        try await fetch("SELECT \(unescaped: Self.columns) FROM account WHERE email_key = \(email.lowercased())")
    }

    func find(id: Int64) async throws -> UserAccount? {
        try await fetch("SELECT \(unescaped: Self.columns) FROM account WHERE id = \(id)")
    }

    func find(sid: String) async throws -> UserAccount? {
        try await fetch("SELECT \(unescaped: Self.columns) FROM account WHERE sid = \(sid)")
    }

    func updateProfile(id: Int64, username: String, about: String, now: Date) async throws -> UserAccount {
        do {
            return try await database.transaction { connection in
                try await connection.query(
                    """
                    UPDATE account SET username = \(username), about = \(about), updated_at = \(now.timeIntervalSince1970)
                    WHERE id = \(id)
                    """, logger: database.logger)
                guard
                    let account = try await Self.fetch(
                        connection, "SELECT \(unescaped: Self.columns) FROM account WHERE id = \(id)", database)
                else { throw PostgresStoreError.missingRow("account \(id)") }
                return account
            }
        } catch let error as PSQLError {
            if let conflict = Self.conflict(error) { throw conflict }
            throw error
        }
    }

    func setPassword(_ account: UserAccount, hash: String, now: Date, keepSession: String?) async throws {
        let time = now.timeIntervalSince1970
        let revoked = try await database.transaction { connection in
            let revoked = try await PostgresRefreshTokenRecords.revokeFamilies(
                connection, subject: account.sid, at: time, database)
            try await connection.query(
                """
                UPDATE account SET password_hash = \(hash), sessions_valid_after = \(time), updated_at = \(time)
                WHERE id = \(account.id)
                """, logger: database.logger)
            try await connection.query(
                "DELETE FROM web_session WHERE account_id = \(account.id) AND key IS DISTINCT FROM \(keepSession)",
                logger: database.logger)
            try await connection.query(
                "DELETE FROM login_challenge WHERE account_id = \(account.id)", logger: database.logger)
            return revoked
        }
        refreshTokens.familiesRevoked(revoked, at: now)
    }

    func setPendingPhone(id: Int64, phone: String?) async throws {
        try await database.query(
            "UPDATE account SET pending_phone = \(phone) WHERE id = \(id)", logger: database.logger)
    }

    @discardableResult
    func setDisabled(login: String, disabled: Bool, now: Date) async throws -> UserAccount? {
        let time = now.timeIntervalSince1970
        let (account, revoked) = try await database.transaction { connection -> (UserAccount?, [String]) in
            guard
                let account = try await Self.fetch(
                    connection,
                    """
                    SELECT \(unescaped: Self.columns) FROM account
                    WHERE lower(username) = \(login.lowercased()) OR email_key = \(login.lowercased()) FOR UPDATE
                    """, database)
            else { return (nil, []) }
            try await connection.query(
                "UPDATE account SET disabled_at = \(disabled ? time : nil), updated_at = \(time) WHERE id = \(account.id)",
                logger: database.logger)
            var revoked: [String] = []
            if disabled {
                revoked = try await PostgresRefreshTokenRecords.revokeFamilies(
                    connection, subject: account.sid, at: time, database)
                try await connection.query(
                    "DELETE FROM web_session WHERE account_id = \(account.id)", logger: database.logger)
                try await connection.query(
                    "DELETE FROM login_challenge WHERE account_id = \(account.id)", logger: database.logger)
            }
            return (
                try await Self.fetch(
                    connection, "SELECT \(unescaped: Self.columns) FROM account WHERE id = \(account.id)", database),
                revoked
            )
        }
        refreshTokens.familiesRevoked(revoked, at: now)
        return account
    }

    // MARK: Login challenges

    func createChallenge(accountID: Int64, now: Date, lifetime: TimeInterval) async throws -> String {
        let token = OpaqueToken.make()
        let time = now.timeIntervalSince1970
        try await database.transaction { connection in
            try await connection.query(
                "DELETE FROM login_challenge WHERE expires_at <= \(time)", logger: database.logger)
            try await connection.query(
                """
                INSERT INTO login_challenge (token_hash, account_id, expires_at)
                VALUES (\(OpaqueToken.hash(token)), \(accountID), \(time + lifetime))
                """, logger: database.logger)
        }
        return token
    }

    func challengeAccount(_ token: String, now: Date) async throws -> UserAccount? {
        try await fetch(
            """
            SELECT \(unescaped: Self.columns) FROM account WHERE id = (
                SELECT account_id FROM login_challenge
                WHERE token_hash = \(OpaqueToken.hash(token)) AND expires_at > \(now.timeIntervalSince1970))
            """)
    }

    func setPushChallenge(_ token: String, sid: String) async throws {
        try await database.query(
            "UPDATE login_challenge SET push_challenge_sid = \(sid) WHERE token_hash = \(OpaqueToken.hash(token))",
            logger: database.logger)
    }

    func pushChallenge(_ token: String) async throws -> String? {
        let rows = try await database.query(
            "SELECT push_challenge_sid FROM login_challenge WHERE token_hash = \(OpaqueToken.hash(token))",
            logger: database.logger)
        for sid in try rows.decode(String?.self) { return sid }
        return nil
    }

    func deleteChallenge(_ token: String) async throws {
        try await database.query(
            "DELETE FROM login_challenge WHERE token_hash = \(OpaqueToken.hash(token))", logger: database.logger)
    }
}

/// A row the same transaction just wrote was not there: a bug, said plainly.
enum PostgresStoreError: Error, CustomStringConvertible {
    case missingRow(String)

    var description: String {
        switch self {
        case .missingRow(let what): "PostgreSQL lost \(what) inside its own transaction"
        }
    }
}
