#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The rule: deleting a person removes everything of theirs in one transaction, and ends every
/// way in at once. For an account: its sessions end as on a password change (web sessions,
/// login challenges, refresh families revoked and told to every replica), then its device
/// records and its row go, and with the row (by cascade) its recovery codes, passkeys and factor
/// history. For a phone login (no account row): its refresh families are revoked, its device
/// records deleted and the browsers signed in as its number (the "Sign in with your phone" page)
/// signed out. Kept: the revoked refresh-token rows (so a replica that missed the notice
/// still refuses their access tokens), the abuse limits' counters (keyed by digests, and a
/// deleted person must not get a fresh allowance), and the audit log's events until retention
/// ends them. Second factors that live at Twilio are deleted by the caller first
/// (``AccountService/deleteVerifyEntity(_:)``).
extension AccountStore {
    /// Deletes `account`; returns whether it was still there.
    @discardableResult
    func delete(_ account: UserAccount, now: Date) async throws -> Bool {
        let (deleted, revoked) = try await write { rows -> (Bool, [String]) in
            guard try await rows.first(where: "id = \(account.id) \(.lockRows)") != nil else { return (false, []) }
            let revoked = try await rows.endSessions(of: account, keeping: nil, at: now)
            try await rows.db.execute("DELETE FROM token_family WHERE subject = \(account.sid)")
            try await rows.db.execute("DELETE FROM web_session WHERE account_id = \(account.id)")
            try await rows.db.execute("DELETE FROM account WHERE id = \(account.id)")
            return (true, revoked)
        }
        refreshTokens.familiesRevoked(revoked, at: now)
        return deleted
    }
}

extension RefreshTokenStore {
    /// Deletes a phone login's sessions: every family of `subject` revoked (here and on every
    /// replica), its device records and its web sessions gone.
    func deleteSubject(_ subject: String, now: Date) async throws {
        let revoked = try await records.database.write { db in
            let revoked = try await RefreshTokenRecords.revokeFamilies(
                db, subject: subject, at: now.timeIntervalSince1970)
            try await db.execute("DELETE FROM token_family WHERE subject = \(subject)")
            try await db.execute("DELETE FROM web_session WHERE phone_number = \(subject)")
            return revoked
        }
        familiesRevoked(revoked, at: now)
    }
}
