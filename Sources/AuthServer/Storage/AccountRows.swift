#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The account tables' statements inside one transaction or read (``AccountStore``); the rules
/// in `Accounts/` compose them.
struct AccountRows: Sendable {
    let db: any SQLConnection

    /// The first account a statement returning ``UserAccount/columns`` gives.
    func first(_ query: SQLQuery) async throws -> UserAccount? {
        try await db.fetchOne(query).map(UserAccount.init(row:))
    }

    func first(where condition: SQLQuery) async throws -> UserAccount? {
        try await first("SELECT \(unescaped: UserAccount.columns) FROM account WHERE " + condition)
    }

    /// By username or email, any case; `locking` holds the row until the transaction ends.
    func find(login: String, locking: Bool = false) async throws -> UserAccount? {
        let key = login.lowercased()
        let lock: SQLQuery = locking ? " \(.lockRows)" : ""
        return try await first(where: "(\(.caseFolded(column: "username")) = \(key) OR email_key = \(key))" + lock)
    }

    /// Throws ``AccountConflict`` when another account (not `id`) has the username or email.
    func checkUnique(username: String?, email: String?, except id: Int64?) async throws {
        if let username,
            try await db.fetchOne(
                """
                SELECT 1 FROM account
                WHERE \(.caseFolded(column: "username")) = \(username.lowercased()) AND id IS DISTINCT FROM \(id)
                """) != nil
        {
            throw AccountConflict.username
        }
        if let email,
            try await db.fetchOne(
                "SELECT 1 FROM account WHERE email_key = \(email.lowercased()) AND id IS DISTINCT FROM \(id)") != nil
        {
            throw AccountConflict.email
        }
    }

    func setPasswordHash(_ hash: String, accountID: Int64, now: Date) async throws {
        let time = now.timeIntervalSince1970
        try await db.execute(
            "UPDATE account SET password_hash = \(hash), updated_at = \(time) WHERE id = \(accountID)")
    }

    func setDisabled(_ disabled: Bool, accountID: Int64, now: Date) async throws {
        let time = now.timeIntervalSince1970
        try await db.execute(
            "UPDATE account SET disabled_at = \(disabled ? time : nil), updated_at = \(time) WHERE id = \(accountID)")
    }

    /// Tokens and sessions from before `now` stop counting; web sessions but `keeping`, and
    /// login challenges, are deleted; the refresh-token families of the account are revoked and
    /// returned (for ``RefreshTokenStore/familiesRevoked(_:at:)`` once committed).
    func endSessions(of account: UserAccount, keeping session: String?, at now: Date) async throws -> [String] {
        let time = now.timeIntervalSince1970
        try await db.execute("UPDATE account SET sessions_valid_after = \(time) WHERE id = \(account.id)")
        try await db.execute(
            "DELETE FROM web_session WHERE account_id = \(account.id) AND key IS DISTINCT FROM \(session)")
        try await db.execute("DELETE FROM login_challenge WHERE account_id = \(account.id)")
        return try await RefreshTokenRecords.revokeFamilies(db, subject: account.sid, at: time)
    }
}
