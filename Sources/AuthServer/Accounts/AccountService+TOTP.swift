import Hummingbird
import Logging
import VerifyClient
import VerifyWire

/// An authenticator app (a Verify TOTP factor) as a second factor: added from the profile with
/// its QR code, confirmed with a first code, checked at login by a Verify challenge carrying the
/// code, removed with a fresh code from a factor the account has.
extension AccountService {
    /// What the app is set up with: shown once, while the factor waits for its first code.
    struct TOTPEnrolment: Sendable, Equatable {
        var factorSid: String
        /// Base32, for typing into the app by hand.
        var secret: String
        /// `otpauth://totp/…`, what the QR code holds.
        var uri: String
    }

    /// Seconds within which an accepted code is not accepted again: Verify's window with skew 1
    /// (the step before, the current one, the one after) of 30-second steps.
    static let totpReplayWindow: Double = 90

    /// Makes a new TOTP factor on Verify for the account (replacing one that never got its code).
    func startTOTPEnrolment(_ account: UserAccount, proof: IdentityProof?, ip: String) async throws -> TOTPEnrolment {
        guard account.totpFactorSid == nil else {
            throw FormErrors(
                message: "An authenticator app is already set up; remove it first to add another", status: .conflict)
        }
        try await authorize(.addAuthenticatorApp, account, proof: proof, ip: ip)
        if let abandoned = account.pendingTOTPSid {
            try await deleteVerifyFactor(account, sid: abandoned)
        }
        let factor: FactorResource
        do {
            factor = try await verify.createTOTPFactor(
                serviceSid: serviceSid, identity: account.verifyIdentity, friendlyName: account.username)
        } catch let error as VerifyClientError {
            throw formErrors(verifyFailure(error, during: "totp-create", logger: logger))
        }
        guard let secret = factor.binding?.secret, let uri = factor.binding?.uri else {
            logger.error("Verify created TOTP factor \(factor.sid) without a binding")
            throw FormErrors(message: "The verification service failed", status: .badGateway)
        }
        try await factors.setPendingTOTP(accountID: account.id, factorSid: factor.sid)
        return TOTPEnrolment(factorSid: factor.sid, secret: secret, uri: uri)
    }

    /// The first code from the app turns it on. Returns the recovery codes to show once when
    /// this is the account's first second factor.
    func confirmTOTPEnrolment(_ account: UserAccount, code rawCode: String, ip: String) async throws -> [String]? {
        guard let sid = account.pendingTOTPSid else {
            throw FormErrors(message: "Add an authenticator app first; we will show its QR code", status: .conflict)
        }
        let code = try Self.totpCode(rawCode)
        try limited(try await limits.verify("totp:" + account.sid, ip: ip, now: now()))
        let factor: FactorResource
        do {
            factor = try await verify.verifyFactor(
                serviceSid: serviceSid, identity: account.verifyIdentity, sid: sid, code: code)
        } catch VerifyClientError.twilio(let error) where error.code == 20404 || error.code == 60310 {
            // the factor is gone, or used up by wrong codes: the set-up starts again
            try await factors.setPendingTOTP(accountID: account.id, factorSid: nil)
            throw FormErrors(
                message: error.code == 20404
                    ? "This set-up has expired; add the authenticator app again"
                    : "Too many wrong codes; add the authenticator app again",
                status: error.code == 20404 ? .conflict : .tooManyRequests)
        } catch let error as VerifyClientError {
            throw formErrors(verifyFailure(error, during: "totp-verify", logger: logger))
        }
        guard factor.status == .verified else {
            throw FormErrors.field("code", Self.wrongTOTPCode)
        }
        _ = try await factors.acceptTOTPCode(
            accountID: account.id, factorSid: sid, code: code, now: now(), window: Self.totpReplayWindow)
        let codes = RecoveryCodes.make()
        let issued = try await factors.enableTOTP(
            accountID: account.id, factorSid: sid, recoveryCodes: codes, now: now())
        logger.info("authenticator app added for account \(account.sid)")
        await audit.record(AuditEvent(.factorAdded, subject: account.sid, detail: ["factor": "totp"]))
        return issued ? codes : nil
    }

    static let wrongTOTPCode = "That code is not right. Check the authenticator app and try again."

    /// Checks a code from the account's authenticator app through a Verify challenge; a code
    /// accepted once is refused if it comes again (a replay) within ``totpReplayWindow``.
    func checkTOTP(_ account: UserAccount, code rawCode: String, ip: String) async throws {
        guard let sid = account.totpFactorSid else {
            throw FormErrors(message: "No authenticator app is set up", status: .conflict)
        }
        let code = try Self.totpCode(rawCode)
        try limited(try await limits.verify("totp:" + account.sid, ip: ip, now: now()))
        let challenge: ChallengeResource
        do {
            challenge = try await verify.createChallenge(
                serviceSid: serviceSid, identity: account.verifyIdentity, factorSid: sid, authPayload: code)
        } catch VerifyClientError.twilio(let error) where error.code == 60308 {
            var errors = FormErrors(fields: ["code": "Too many wrong codes. Wait a little and try again."])
            errors.status = .tooManyRequests
            errors.retryAfter = 30
            throw errors
        } catch VerifyClientError.twilio(let error) where error.code == 20404 || error.code == 60318 {
            logger.warning("the TOTP factor of account \(account.sid) is missing or unverified on Verify")
            throw FormErrors(
                message: "This authenticator app is no longer registered; use another method", status: .conflict)
        } catch let error as VerifyClientError {
            throw formErrors(verifyFailure(error, during: "totp-check", logger: logger))
        }
        guard challenge.status == .approved else { throw FormErrors.field("code", Self.wrongTOTPCode) }
        guard
            try await factors.acceptTOTPCode(
                accountID: account.id, factorSid: sid, code: code, now: now(), window: Self.totpReplayWindow)
        else {
            throw FormErrors.field("code", "This code was already used. Wait for the next one in the app.")
        }
    }

    /// Removes the authenticator app once `proof` (the password, a fresh code from a factor the
    /// account has, or a recovery code) is accepted; the factor is deleted on Verify too.
    func removeTOTP(_ account: UserAccount, proof: IdentityProof?, ip: String) async throws {
        guard let sid = account.totpFactorSid else {
            throw FormErrors(message: "No authenticator app is set up", status: .conflict)
        }
        try await authorize(.removeAuthenticatorApp, account, proof: proof, ip: ip)
        try await deleteVerifyFactor(account, sid: sid)
        try await factors.disableTOTP(accountID: account.id, now: now())
        logger.info("authenticator app removed from account \(account.sid)")
        await audit.record(AuditEvent(.factorRemoved, subject: account.sid, detail: ["factor": "totp"]))
    }

    /// Deletes a factor on Verify; one already gone is fine, any other failure stops the change
    /// so nothing is left half-removed.
    func deleteVerifyFactor(_ account: UserAccount, sid: String) async throws {
        do {
            try await verify.deleteFactor(serviceSid: serviceSid, identity: account.verifyIdentity, sid: sid)
        } catch VerifyClientError.twilio(let error) where error.code == 20404 {
            return
        } catch let error as VerifyClientError {
            throw formErrors(verifyFailure(error, during: "factor-delete", logger: logger))
        }
    }

    /// A code as authenticator apps show it: 3 to 8 digits (spaces ignored, as apps group them).
    static func totpCode(_ raw: String) throws -> String {
        let code = String(raw.filter { $0 != " " })
        guard (3...8).contains(code.count), code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw FormErrors.field("code", "Enter the code from your authenticator app (6 digits)")
        }
        return code
    }
}
