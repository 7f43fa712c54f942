#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What an administrator does to accounts, for the admin API and the `disable-account` /
/// `enable-account` commands alike, each change recorded in the audit log with its actor.
/// An account is named by its sid (`US…`), or by its username or email.
///
/// ```swift
/// let admin = AdminService(accounts: storage.accounts, audit: audit, now: { Date() })
/// _ = try await admin.setDisabled("alice", disabled: true, actor: .command)
/// ```
struct AdminService: Sendable {
    let accounts: AccountStore
    let audit: AuditLog
    let now: @Sendable () -> Date

    /// The account `reference` names: a sid, or a username or email in any case.
    func find(_ reference: String) async throws -> UserAccount? {
        AccountSid.isSid(reference)
            ? try await accounts.find(sid: reference) : try await accounts.find(login: reference)
    }

    /// Accounts whose username, email or 2FA phone contains `text` (any case), oldest first.
    func search(_ text: String, limit: Int) async throws -> [UserAccount] {
        try await accounts.search(text, limit: limit)
    }

    /// Disables (ending every session at once, on every replica) or re-enables an account.
    /// Returns it, or nil when none matches.
    @discardableResult
    func setDisabled(
        _ reference: String, disabled: Bool, actor: AuditActor
    ) async throws -> UserAccount? {
        guard let account = try await accounts.setDisabled(reference: reference, disabled: disabled, now: now())
        else { return nil }
        await audit.record(
            AuditEvent(disabled ? .accountDisabled : .accountEnabled, subject: account.sid, actor: actor))
        return account
    }

    /// Ends every session of `account` (web sessions, refresh families, access tokens), as a
    /// password change does; returns how many device sessions were live.
    func endSessions(_ account: UserAccount, actor: AuditActor) async throws -> Int {
        let ended = try await accounts.endSessions(account, now: now())
        await audit.record(
            AuditEvent(
                .sessionRevoked, subject: account.sid, actor: actor,
                detail: ["sessions": String(ended), "reason": "admin"]))
        return ended
    }
}

extension AccountSid {
    /// Whether `text` is an account sid: `US` and 32 hex digits (longer than any username).
    static func isSid(_ text: String) -> Bool {
        text.utf8.count == 34 && text.hasPrefix("US") && text.dropFirst(2).allSatisfy(\.isHexDigit)
    }
}
