import Hummingbird
import Logging

/// The step after the password at login, and the proof a factor change asks for: a code from
/// one of the account's factors, or a recovery code.
extension AccountService {
    /// Accepts `code` as `proof` for the account, or throws the refusal to show beside the code.
    func checkSecondStep(_ account: UserAccount, proof: SecondFactorProof, code: String, ip: String) async throws {
        switch proof {
        case .factor(.totp):
            try await checkTOTP(account, code: code, ip: ip)
        case .factor(.sms):
            guard let phone = account.phone else { throw Self.notOn(.sms) }
            try await checkCode(to: phone, code: code, ip: ip)
        case .factor(.push):
            throw FormErrors(message: "A push approval has no code; use another method", status: .badRequest)
        case .recovery:
            try await useRecoveryCode(account, code: code, ip: ip)
        }
    }

    /// The factor `proof` names, or a clear refusal when the account does not have it on.
    func requireMethod(_ account: UserAccount, _ method: String?) throws -> SecondFactorProof {
        let methods = self.methods(account)
        if methods.isEmpty { throw Self.notOn(nil) }
        guard let method, !method.isEmpty else {
            // one factor: no need to say which; several: the client must choose
            if methods.count == 1 { return .factor(methods[0]) }
            throw FormErrors.field(
                "method", "Say which method: one of \((methods.map(\.rawValue) + ["recovery"]).joined(separator: ", "))"
            )
        }
        guard let proof = SecondFactorProof(method: method) else {
            throw FormErrors.field(
                "method",
                "Unknown method '\(method)': use one of \((methods.map(\.rawValue) + ["recovery"]).joined(separator: ", "))"
            )
        }
        if case .factor(let factor) = proof, !methods.contains(factor) { throw Self.notOn(factor) }
        return proof
    }

    private static func notOn(_ factor: SecondFactor?) -> FormErrors {
        let name = factor.map { "\($0.title) two-factor" } ?? "Two-factor authentication"
        return FormErrors(message: "\(name) is not on for this account", status: .conflict)
    }

    /// Spends a recovery code (each works once), within the per-account and per-IP limits.
    func useRecoveryCode(_ account: UserAccount, code: String, ip: String) async throws {
        guard RecoveryCodes.normalized(code) != nil else {
            throw FormErrors.field("code", "Enter one of your recovery codes, like k7m2p-q9x4d")
        }
        try limited(try await limits.verify("recovery:" + account.sid, ip: ip, now: now()))
        guard try await factors.useRecoveryCode(accountID: account.id, code: code, now: now()) else {
            throw FormErrors.field("code", "This recovery code is not right or was already used")
        }
        logger.notice("recovery code used for account \(account.sid)")
        await audit.record(AuditEvent(.recoveryCodeUsed, subject: account.sid))
    }

    /// A new set of recovery codes, shown once; the old set stops working.
    func regenerateRecoveryCodes(_ account: UserAccount, proof: IdentityProof?, ip: String) async throws -> [String] {
        guard account.twoFactorEnabled else {
            throw FormErrors(
                message: "Recovery codes come with two-factor authentication; turn a second factor on first",
                status: .conflict)
        }
        try await authorize(.regenerateRecoveryCodes, account, proof: proof, ip: ip)
        let codes = RecoveryCodes.make()
        try await factors.replaceRecoveryCodes(accountID: account.id, codes: codes, now: now())
        logger.info("recovery codes regenerated for account \(account.sid)")
        return codes
    }
}
