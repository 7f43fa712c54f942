import Hummingbird
import Logging
import VerifyClient
import VerifyWire

/// Push approval (optional per deployment, `PUSH_LOGIN=1`): the user's phone app, built on the
/// Verify Push SDK, enrols a push factor with an access token from here; a login then sends a
/// Verify push challenge to the phone and waits for its answer. With the emulator, a virtual
/// phone in its inbox answers.
extension AccountService {
    /// The methods a login may use on this deployment: push only where push login is on.
    func methods(_ account: UserAccount) -> [SecondFactor] {
        account.secondFactors.filter { $0 != .push || pushLogin }
    }

    private func requirePushLogin() throws {
        guard pushLogin else {
            throw FormErrors(message: "Push approval is not enabled on this server (PUSH_LOGIN)", status: .notFound)
        }
    }

    /// An access token for the phone app to enrol its push factor with (Verify's AccessTokens).
    func startPushEnrolment(
        _ account: UserAccount, proof: IdentityProof?, ip: String
    ) async throws -> AccessTokenResource {
        try requirePushLogin()
        try await authorize(.addPushFactor, account, proof: proof, ip: ip)
        do {
            return try await verify.createAccessToken(
                serviceSid: serviceSid, identity: account.verifyIdentity, factorType: .push,
                factorFriendlyName: account.username, ttl: 300)
        } catch let error as VerifyClientError {
            throw formErrors(verifyFailure(error, during: "access-token", logger: logger))
        }
    }

    /// After the app enrolled: the newest verified push factor of the account on Verify turns
    /// push logins on. Returns the recovery codes when this is the first factor.
    func confirmPushEnrolment(_ account: UserAccount) async throws -> [String]? {
        try requirePushLogin()
        let listed: [FactorResource]
        do {
            listed = try await verify.listFactors(serviceSid: serviceSid, identity: account.verifyIdentity)
        } catch VerifyClientError.twilio(let error) where error.code == 20404 {
            listed = []
        } catch let error as VerifyClientError {
            throw formErrors(verifyFailure(error, during: "factor-list", logger: logger))
        }
        let phones = listed.filter { $0.factorType == .push && $0.status == .verified }
        guard let phone = phones.max(by: { $0.dateCreated < $1.dateCreated }) else {
            throw FormErrors(
                message: "No phone has enrolled yet: enrol the app with the token first", status: .conflict)
        }
        let codes = RecoveryCodes.make()
        let issued = try await factors.enablePush(
            accountID: account.id, factorSid: phone.sid, name: phone.friendlyName, recoveryCodes: codes, now: now())
        logger.info("push approval added for account \(account.sid)")
        await audit.record(AuditEvent(.factorAdded, subject: account.sid, detail: ["factor": "push"]))
        return issued ? codes : nil
    }

    /// Removes the phone once `proof` is accepted; its factor is deleted on Verify too.
    func removePush(_ account: UserAccount, proof: IdentityProof?, ip: String) async throws {
        guard let sid = account.pushFactorSid else {
            throw FormErrors(message: "No phone is set up for push approval", status: .conflict)
        }
        try await authorize(.removePushFactor, account, proof: proof, ip: ip)
        try await deleteVerifyFactor(account, sid: sid)
        try await factors.disablePush(accountID: account.id, now: now())
        logger.info("push approval removed from account \(account.sid)")
        await audit.record(AuditEvent(.factorRemoved, subject: account.sid, detail: ["factor": "push"]))
    }

    /// Asks the account's phone to approve this login; the challenge's SID is what the login
    /// then waits on. A phone Verify no longer knows is forgotten here too.
    func sendPushChallenge(_ account: UserAccount, ip: String) async throws -> String {
        try requirePushLogin()
        guard let sid = account.pushFactorSid else {
            throw FormErrors(message: "No phone is set up for push approval", status: .conflict)
        }
        try limited(try await limits.send(to: "push:" + account.sid, ip: ip, now: now()))
        do {
            return try await verify.createChallenge(
                serviceSid: serviceSid, identity: account.verifyIdentity, factorSid: sid,
                details: .init(
                    message: "Approve this login?",
                    fields: [
                        (label: "Account", value: account.username), (label: "From", value: String(ip.prefix(64))),
                    ]
                )
            ).sid
        } catch VerifyClientError.twilio(let error) where error.code == 20404 || error.code == 60318 {
            try await factors.disablePush(accountID: account.id, now: now())
            logger.warning("the push factor of account \(account.sid) is gone from Verify; push approval removed")
            throw FormErrors(
                message: "Your phone is no longer registered for approvals; use another method", status: .conflict)
        } catch let error as VerifyClientError {
            throw formErrors(verifyFailure(error, during: "push-send", logger: logger))
        }
    }

    /// Where the phone's answer stands. Approved means the login may complete; denied and
    /// expired are refusals the caller shows.
    func pushStatus(_ account: UserAccount, challengeSid: String) async throws -> ChallengeStatus {
        do {
            return try await verify.fetchChallenge(
                serviceSid: serviceSid, identity: account.verifyIdentity, sid: challengeSid
            ).status
        } catch VerifyClientError.twilio(let error) where error.code == 20404 {
            return .expired
        } catch let error as VerifyClientError {
            throw formErrors(verifyFailure(error, during: "push-status", logger: logger))
        }
    }

    /// The refusal for a push answer that is not an approval.
    static func pushRefusal(_ status: ChallengeStatus) -> FormErrors {
        switch status {
        case .denied: FormErrors(message: "The login was denied on your phone", status: .forbidden)
        case .expired: FormErrors(message: "The request to your phone expired; send a new one", status: .gone)
        case .pending, .approved: FormErrors(message: "Waiting for approval on your phone", status: .accepted)
        }
    }
}
