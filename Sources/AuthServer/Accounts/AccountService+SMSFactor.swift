import Hummingbird
import Logging
import VerifyClient

/// SMS as a second factor: a number confirmed by a code, removed with a fresh code to it.
extension AccountService {
    /// Step one of turning SMS on: remembers the number and sends it a code.
    func startEnablingTwoFactor(
        _ account: UserAccount, phone rawPhone: String, proof: IdentityProof?, ip: String
    ) async throws -> String {
        // swapping the number needs the old one first: a stolen session must not move the second factor
        guard account.phone == nil else {
            throw FormErrors(
                message: "SMS two-factor is already on; turn it off first to use another number", status: .conflict)
        }
        let phone: String
        do {
            phone = try PhoneNumber.normalize(rawPhone)
        } catch {
            throw FormErrors.field("phone_number", "Enter a mobile number in international form, like +14155550100")
        }
        try await authorize(.addSMSFactor, account, proof: proof, ip: ip)
        try await sendCode(to: phone, for: account, ip: ip)
        try await accounts.setPendingPhone(id: account.id, phone: phone)
        return phone
    }

    /// Step two: the code sent to the pending number turns SMS on. Returns the recovery codes
    /// to show once when this is the account's first second factor.
    func confirmEnablingTwoFactor(_ account: UserAccount, code: String, ip: String) async throws -> [String]? {
        guard let phone = account.pendingPhone else {
            throw FormErrors(message: "Enter your phone number first; we will send it a code", status: .conflict)
        }
        try await checkCode(to: phone, code: code, ip: ip)
        let codes = RecoveryCodes.make()
        let issued = try await factors.enableSMS(accountID: account.id, phone: phone, recoveryCodes: codes, now: now())
        logger.info("SMS two-factor enabled for account \(account.sid)")
        await audit.record(AuditEvent(.factorAdded, subject: account.sid, detail: ["factor": "sms"]))
        return issued ? codes : nil
    }

    /// Step one of turning SMS off: a fresh code to the registered number.
    func startDisablingTwoFactor(_ account: UserAccount, ip: String) async throws {
        guard let phone = account.phone else {
            throw FormErrors(message: "SMS two-factor is already off", status: .conflict)
        }
        try await sendCode(to: phone, for: account, ip: ip)
    }

    func confirmDisablingTwoFactor(_ account: UserAccount, code: String, ip: String) async throws {
        guard let phone = account.phone else {
            throw FormErrors(message: "SMS two-factor is already off", status: .conflict)
        }
        try await authorize(.removeSMSFactor, account, proof: .code(.factor(.sms), code), ip: ip)
        try await factors.disableSMS(accountID: account.id, now: now())
        logger.info("SMS two-factor disabled for account \(account.sid)")
        await audit.record(AuditEvent(.factorRemoved, subject: account.sid, detail: ["factor": "sms"]))
    }
}
