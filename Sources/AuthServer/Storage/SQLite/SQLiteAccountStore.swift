import GRDB

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ``AccountStore`` in SQLite; uniqueness is checked inside the write transaction, which SQLite
/// serialises, so two concurrent registrations of one name cannot both succeed.
struct SQLiteAccountStore: AccountStore {
    let writer: any DatabaseWriter
    let refreshTokens: RefreshTokenStore

    func create(username: String, email: String, passwordHash: String, now: Date) async throws -> UserAccount {
        try await writer.write { db in
            try Self.checkUnique(db, username: username, email: email, except: nil)
            let time = now.timeIntervalSince1970
            try db.execute(
                sql: """
                    INSERT INTO account (sid, username, email, email_key, password_hash, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [AccountSid.make(), username, email, email.lowercased(), passwordHash, time, time])
            return try Self.fetch(db, "id = ?", [db.lastInsertedRowID])!
        }
    }

    private static func checkUnique(_ db: Database, username: String?, email: String?, except id: Int64?) throws {
        if let username,
            try Int.fetchOne(
                db, sql: "SELECT 1 FROM account WHERE username = ? COLLATE NOCASE AND id IS NOT ?",
                arguments: [username, id]) != nil
        {
            throw AccountConflict.username
        }
        if let email,
            try Int.fetchOne(
                db, sql: "SELECT 1 FROM account WHERE email_key = ? AND id IS NOT ?",
                arguments: [email.lowercased(), id])
                != nil
        {
            throw AccountConflict.email
        }
    }

    private static func fetch(
        _ db: Database, _ condition: String, _ arguments: StatementArguments
    ) throws -> UserAccount? {
        try Row.fetchOne(db, sql: "SELECT \(UserAccount.columns) FROM account WHERE \(condition)", arguments: arguments)
            .map(UserAccount.init(row:))
    }

    func find(login: String) async throws -> UserAccount? {
        try await writer.read { db in try Self.fetch(db, Self.byLogin, Self.loginArguments(login)) }
    }

    func find(email: String) async throws -> UserAccount? {
        try await writer.read { db in try Self.fetch(db, "email_key = ?", [email.lowercased()]) }
    }

    private static let byLogin = "username = ? COLLATE NOCASE OR email_key = ?"

    private static func loginArguments(_ login: String) -> StatementArguments { [login, login.lowercased()] }

    func find(id: Int64) async throws -> UserAccount? {
        try await writer.read { db in try Self.fetch(db, "id = ?", [id]) }
    }

    func find(sid: String) async throws -> UserAccount? {
        try await writer.read { db in try Self.fetch(db, "sid = ?", [sid]) }
    }

    func updateProfile(id: Int64, username: String, about: String, now: Date) async throws -> UserAccount {
        try await writer.write { db in
            try Self.checkUnique(db, username: username, email: nil, except: id)
            try db.execute(
                sql: "UPDATE account SET username = ?, about = ?, updated_at = ? WHERE id = ?",
                arguments: [username, about, now.timeIntervalSince1970, id])
            return try Self.fetch(db, "id = ?", [id])!
        }
    }

    func setPassword(_ account: UserAccount, hash: String, now: Date, keepSession: String? = nil) async throws {
        let id = account.id
        let revoked = try await writer.write { db in
            let time = now.timeIntervalSince1970
            let revoked = try SQLiteRefreshTokenRecords.revokeFamilies(db, subject: account.sid, at: time)
            try db.execute(
                sql: "UPDATE account SET password_hash = ?, sessions_valid_after = ?, updated_at = ? WHERE id = ?",
                arguments: [hash, time, time, id])
            try db.execute(
                sql: "DELETE FROM web_session WHERE account_id = ? AND key IS NOT ?", arguments: [id, keepSession])
            try db.execute(sql: "DELETE FROM login_challenge WHERE account_id = ?", arguments: [id])
            return revoked
        }
        refreshTokens.familiesRevoked(revoked, at: now)
    }

    func setPendingPhone(id: Int64, phone: String?) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE account SET pending_phone = ? WHERE id = ?", arguments: [phone, id])
        }
    }

    @discardableResult
    func setDisabled(login: String, disabled: Bool, now: Date) async throws -> UserAccount? {
        let (account, revoked) = try await writer.write { db -> (UserAccount?, [String]) in
            guard let account = try Self.fetch(db, Self.byLogin, Self.loginArguments(login)) else { return (nil, []) }
            var revoked: [String] = []
            try db.execute(
                sql: "UPDATE account SET disabled_at = ?, updated_at = ? WHERE id = ?",
                arguments: [disabled ? now.timeIntervalSince1970 : nil, now.timeIntervalSince1970, account.id])
            if disabled {
                revoked = try SQLiteRefreshTokenRecords.revokeFamilies(
                    db, subject: account.sid, at: now.timeIntervalSince1970)
                try db.execute(sql: "DELETE FROM web_session WHERE account_id = ?", arguments: [account.id])
                try db.execute(sql: "DELETE FROM login_challenge WHERE account_id = ?", arguments: [account.id])
            }
            return (try Self.fetch(db, "id = ?", [account.id]), revoked)
        }
        refreshTokens.familiesRevoked(revoked, at: now)
        return account
    }

    // MARK: Login challenges (JSON password login waiting for its code)

    func createChallenge(accountID: Int64, now: Date, lifetime: TimeInterval) async throws -> String {
        let token = OpaqueToken.make()
        try await writer.write { db in
            try db.execute(
                sql: "DELETE FROM login_challenge WHERE expires_at <= ?", arguments: [now.timeIntervalSince1970])
            try db.execute(
                sql: "INSERT INTO login_challenge (token_hash, account_id, expires_at) VALUES (?, ?, ?)",
                arguments: [OpaqueToken.hash(token), accountID, now.timeIntervalSince1970 + lifetime])
        }
        return token
    }

    func challengeAccount(_ token: String, now: Date) async throws -> UserAccount? {
        try await writer.read { db in
            try Self.fetch(
                db,
                "id = (SELECT account_id FROM login_challenge WHERE token_hash = ? AND expires_at > ?)",
                [OpaqueToken.hash(token), now.timeIntervalSince1970])
        }
    }

    func setPushChallenge(_ token: String, sid: String) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE login_challenge SET push_challenge_sid = ? WHERE token_hash = ?",
                arguments: [sid, OpaqueToken.hash(token)])
        }
    }

    func pushChallenge(_ token: String) async throws -> String? {
        try await writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT push_challenge_sid FROM login_challenge WHERE token_hash = ?",
                arguments: [OpaqueToken.hash(token)])
        }
    }

    func deleteChallenge(_ token: String) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "DELETE FROM login_challenge WHERE token_hash = ?", arguments: [OpaqueToken.hash(token)])
        }
    }
}
