import Logging
import VerifyClient
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Deleting an account (App Store Review Guideline 5.1.1(v): an app that creates accounts lets
/// them be deleted in the app): `DELETE /api/accounts/me` and the profile's page, after a fresh
/// proof; the admin API and `auth-server delete-account` without one. What goes and what stays
/// is the rule in `Accounts/DeletingAccounts.swift`.
extension AccountService {
    /// Deletes `account` once `proof` (its password, a code of one of its factors, or this
    /// browser's confirmation within ``freshProofWindow``) is accepted.
    func deleteAccount(_ account: UserAccount, proof: IdentityProof?, ip: String) async throws {
        try await authorize(.deleteAccount, account, proof: proof, ip: ip)
        try await erase(account, actor: .user)
    }

    /// Deletes `account` with no proof: for an administrator. Its Verify entity (authenticator
    /// app, push phone, passkeys) goes first; if Verify cannot be reached nothing is deleted,
    /// so nothing is left half-gone. Returns false when it was already gone.
    @discardableResult
    func erase(_ account: UserAccount, actor: AuditActor) async throws -> Bool {
        try await deleteVerifyEntity(account)
        guard try await accounts.delete(account, now: now()) else { return false }
        await audit.record(AuditEvent(.accountDeleted, subject: account.sid, actor: actor))
        logger.notice("account \(account.sid) deleted by \(actor.rawValue)")
        return true
    }

    /// Deletes the account's Verify entity with every factor on it (authenticator app, push
    /// phone, passkeys, and any begun and never finished); none there (404) is fine. Always
    /// asked, as a factor begun on another replica leaves no trace in the account's row.
    func deleteVerifyEntity(_ account: UserAccount) async throws {
        do {
            try await verify.deleteEntity(serviceSid: serviceSid, identity: account.verifyIdentity)
        } catch VerifyClientError.twilio(let error) where error.code == 20404 {
            return
        } catch let error as VerifyClientError {
            throw formErrors(verifyFailure(error, during: "entity-delete", logger: logger))
        }
    }
}

extension AccountService {
    /// Removes every second factor of `account` (an administrator helping someone who lost them
    /// all): its Verify entity first (authenticator app, push phone, passkeys), then each factor
    /// through the rule that drops the recovery codes with the last one. Returns the factors
    /// removed (`totp`, `push`, `sms`, `passkey`), each recorded as `factor.removed`.
    func removeAllFactors(_ account: UserAccount, actor: AuditActor) async throws -> [String] {
        try await deleteVerifyEntity(account)
        var removed: [String] = []
        if account.totpFactorSid != nil || account.pendingTOTPSid != nil {
            try await factors.disableTOTP(accountID: account.id, now: now())
            if account.totpFactorSid != nil { removed.append("totp") }
        }
        if account.pushFactorSid != nil {
            try await factors.disablePush(accountID: account.id, now: now())
            removed.append("push")
        }
        if account.phone != nil || account.pendingPhone != nil {
            try await factors.disableSMS(accountID: account.id, now: now())
            if account.phone != nil { removed.append("sms") }
        }
        for passkey in try await factors.passkeys(accountID: account.id)
        where try await factors.removePasskey(accountID: account.id, factorSid: passkey.factorSid, now: now()) {
            removed.append("passkey")
        }
        for factor in removed {
            await audit.record(
                AuditEvent(.factorRemoved, subject: account.sid, actor: actor, detail: ["factor": factor]))
        }
        logger.notice("every second factor removed from account \(account.sid) by \(actor.rawValue)")
        return removed
    }
}
