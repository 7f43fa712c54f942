import Hummingbird
import Logging
import VerifyClient
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Passkeys through Verify Passkeys: registered from the profile (creation options, then the
/// browser's registration) and used to sign in without a username (request options, then the
/// browser's assertion). A passkey sign-in is complete on its own: the authenticator proved
/// possession and the user's presence, so no password or second factor follows.
extension AccountService {
    private func requirePasskeys() throws {
        guard passkeysOn else {
            throw FormErrors(
                message: "Passkeys are not enabled on this server (PASSKEYS_RP_ID, PASSKEYS_ORIGINS)", status: .notFound
            )
        }
    }

    /// A new passkeys factor on Verify with the WebAuthn creation options for the browser.
    func startPasskeyRegistration(
        _ account: UserAccount, proof: IdentityProof?, ip: String
    ) async throws -> FactorResource {
        try requirePasskeys()
        try await authorize(.addPasskey, account, proof: proof, ip: ip)
        do {
            return try await verify.createPasskeyFactor(
                serviceSid: serviceSid, identity: account.verifyIdentity, friendlyName: account.username)
        } catch let error as VerifyClientError {
            throw formErrors(verifyFailure(error, during: "passkey-create", logger: logger))
        }
    }

    /// The browser's registration verifies the factor, which must be this account's.
    func finishPasskeyRegistration(_ account: UserAccount, credential: Data) async throws -> FactorResource {
        try requirePasskeys()
        try Self.checkCredential(credential)
        let factor: FactorResource
        do {
            factor = try await verify.verifyPasskeyFactor(serviceSid: serviceSid, credential: credential)
        } catch VerifyClientError.twilio(let error) where error.status == 400 || error.status == 404 {
            logger.info("passkey registration refused for account \(account.sid): Twilio \(error.code)")
            throw FormErrors(message: "This passkey could not be registered: \(error.message)", status: .badRequest)
        } catch let error as VerifyClientError {
            throw formErrors(verifyFailure(error, during: "passkey-verify", logger: logger))
        }
        guard factor.identity == account.verifyIdentity, factor.status == .verified else {
            logger.warning("a passkey registration for account \(account.sid) named another entity")
            throw FormErrors(message: "This passkey belongs to another registration", status: .badRequest)
        }
        let name = "Passkey added \(WebApp.day(now().timeIntervalSince1970))"
        try await factors.addPasskey(accountID: account.id, factorSid: factor.sid, name: name, now: now())
        logger.info("passkey \(factor.sid) added to account \(account.sid)")
        await audit.record(
            AuditEvent(.factorAdded, subject: account.sid, detail: ["factor": "passkey", "sid": factor.sid]))
        return factor
    }

    /// A usernameless sign-in challenge with its WebAuthn request options.
    func startPasskeySignIn() async throws -> PasskeyChallengeResource {
        try requirePasskeys()
        do {
            return try await verify.createPasskeyChallenge(serviceSid: serviceSid)
        } catch let error as VerifyClientError {
            throw formErrors(verifyFailure(error, during: "passkey-challenge", logger: logger))
        }
    }

    /// The account whose passkey answered the challenge (`expectedChallenge`, when the caller
    /// made it in this browser's session), if it is one of ours and may sign in.
    func finishPasskeySignIn(assertion: Data, expectedChallenge: String?, ip: String) async throws -> UserAccount {
        try requirePasskeys()
        try Self.checkCredential(assertion)
        try limited(try await limits.login("passkey", ip: ip, now: now()))
        let refused = FormErrors(
            message: "This passkey was not accepted; try again or use your password", status: .badRequest)
        let challenge: PasskeyChallengeResource
        do {
            challenge = try await verify.approvePasskeyChallenge(serviceSid: serviceSid, assertion: assertion)
        } catch VerifyClientError.twilio(let error)
            where error.status == 400 || error.status == 403 || error.status == 404
        {
            logger.info("passkey sign-in refused: Twilio \(error.code)")
            throw refused
        } catch let error as VerifyClientError {
            throw formErrors(verifyFailure(error, during: "passkey-approve", logger: logger))
        }
        guard challenge.status == .approved, expectedChallenge == nil || challenge.sid == expectedChallenge,
            let accountID = try await factors.passkeyOwner(factorSid: challenge.factorSid),
            let account = try await accounts.find(id: accountID), account.verifyIdentity == challenge.identity
        else { throw refused }
        guard !account.isDisabled else { throw FormErrors(message: "This account is disabled", status: .forbidden) }
        return account
    }

    /// Removes one of the account's passkeys, on Verify first.
    func removePasskey(_ account: UserAccount, factorSid: String, proof: IdentityProof?, ip: String) async throws {
        guard try await factors.passkeys(accountID: account.id).contains(where: { $0.factorSid == factorSid }) else {
            throw FormErrors(message: "No such passkey on this account", status: .notFound)
        }
        try await authorize(.removePasskey, account, proof: proof, ip: ip)
        try await deleteVerifyFactor(account, sid: factorSid)
        _ = try await factors.removePasskey(accountID: account.id, factorSid: factorSid, now: now())
        logger.info("passkey \(factorSid) removed from account \(account.sid)")
        await audit.record(
            AuditEvent(.factorRemoved, subject: account.sid, detail: ["factor": "passkey", "sid": factorSid]))
    }

    /// A password reset removes every passkey of the account: a passkey signs in with no password
    /// and no second factor, so one added by whoever held the account must not outlive the
    /// owner's reset. Removed here first (a passkey sign-in needs its row), then on Verify; a
    /// Verify failure is logged and leaves only an orphan factor nobody can sign in with.
    func removePasskeysAfterReset(_ account: UserAccount) async throws {
        for passkey in try await factors.passkeys(accountID: account.id) {
            _ = try await factors.removePasskey(accountID: account.id, factorSid: passkey.factorSid, now: now())
            do {
                try await deleteVerifyFactor(account, sid: passkey.factorSid)
            } catch {
                logger.warning("passkey \(passkey.factorSid) of account \(account.sid) stays on Verify: \(error)")
            }
            logger.notice("passkey \(passkey.factorSid) removed from account \(account.sid) by a password reset")
            await audit.record(
                AuditEvent(
                    .factorRemoved, subject: account.sid,
                    detail: ["factor": "passkey", "sid": passkey.factorSid, "reason": "password_reset"]))
        }
    }

    /// What a browser's `PublicKeyCredential` JSON has at least, checked before it goes to
    /// Verify so a broken page gets a clear answer: an object with `id`, `type` and
    /// `response.clientDataJSON`, at most 16 KB.
    static func checkCredential(_ data: Data) throws {
        struct Shape: Decodable {
            struct Response: Decodable { var clientDataJSON: String }
            var id: String
            var type: String
            var response: Response
        }
        guard data.count <= 16 * 1024, (try? JSONDecoder().decode(Shape.self, from: data)) != nil else {
            throw FormErrors(
                message: "The credential must be a PublicKeyCredential as JSON (id, type, response.clientDataJSON)",
                status: .badRequest)
        }
    }
}
