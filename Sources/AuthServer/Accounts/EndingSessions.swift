#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The rule: a new password (changed or reset) and a disabled account end every way in that was
/// open. In the same transaction as the change, the account's web sessions are deleted (but the
/// one making a change, which stays signed in), its login challenges dropped, its refresh-token
/// families revoked and everything issued before now voided (`sessions_valid_after`); once it
/// commits, ``RefreshTokenStore`` is told, so those families' access tokens are refused at once.
extension AccountStore {
    /// Sets a new password hash and ends the account's sessions but `keepSession`.
    func setPassword(_ account: UserAccount, hash: String, now: Date, keepSession: String? = nil) async throws {
        let revoked = try await write { rows in
            try await rows.setPasswordHash(hash, accountID: account.id, now: now)
            return try await rows.endSessions(of: account, keeping: keepSession, at: now)
        }
        refreshTokens.familiesRevoked(revoked, at: now)
    }

    /// Disables (ending its sessions) or re-enables an account by sid, username or email. A
    /// disabled account cannot log in. Returns the account, if found.
    @discardableResult
    func setDisabled(reference: String, disabled: Bool, now: Date) async throws -> UserAccount? {
        let (account, revoked) = try await write { rows -> (UserAccount?, [String]) in
            let found =
                AccountSid.isSid(reference)
                ? try await rows.first(where: "sid = \(reference) \(.lockRows)")
                : try await rows.find(login: reference, locking: true)
            guard let account = found else { return (nil, []) }
            try await rows.setDisabled(disabled, accountID: account.id, now: now)
            let revoked = disabled ? try await rows.endSessions(of: account, keeping: nil, at: now) : []
            return (try await rows.first(where: "id = \(account.id)"), revoked)
        }
        refreshTokens.familiesRevoked(revoked, at: now)
        return account
    }

    /// Ends every session of `account` with no other change (an administrator's "sign out
    /// everywhere"); returns how many refresh families were live.
    func endSessions(_ account: UserAccount, now: Date) async throws -> Int {
        let revoked = try await write { rows in try await rows.endSessions(of: account, keeping: nil, at: now) }
        refreshTokens.familiesRevoked(revoked, at: now)
        return revoked.count
    }
}
