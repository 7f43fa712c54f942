import Hummingbird
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A change that adds or removes a way into the account, or replaces a secret: each needs a
/// fresh proof that the person making it is the owner, not only a live session or access token
/// (GitHub's sudo mode, OWASP ASVS V3.7.1). Every such change goes through
/// ``AccountService/authorize(_:_:proof:ip:)``, so a new one cannot skip the rule.
enum SensitiveChange: String, Sendable, CaseIterable {
    case addPasskey = "add a passkey"
    case removePasskey = "remove a passkey"
    case addAuthenticatorApp = "add an authenticator app"
    case removeAuthenticatorApp = "remove the authenticator app"
    case addSMSFactor = "turn on SMS two-factor"
    case removeSMSFactor = "turn off SMS two-factor"
    case addPushFactor = "add push approval"
    case removePushFactor = "remove push approval"
    case regenerateRecoveryCodes = "make new recovery codes"
    case changePassword = "change the password"
    case deleteAccount = "delete the account"
}

/// What proves the owner is making a change.
enum IdentityProof: Sendable, Equatable {
    /// The account's current password, sent with the change.
    case password(String)
    /// A code of one of the account's factors (or a recovery code), sent with the change.
    case code(SecondFactorProof, String)
    /// This browser proved it at `epochSeconds` on the confirmation page (the pages' sudo mode).
    case recent(epochSeconds: Double)
}

/// Thrown when a change needs a proof the request does not carry: the JSON API answers 403
/// naming what to send, the pages send the browser to the confirmation page.
struct FreshProofRequired: Error, Sendable, Equatable {
    var change: SensitiveChange
}

extension AccountService {
    /// How long a proof made on the confirmation page lets this browser make sensitive changes.
    static let freshProofWindow: TimeInterval = 300

    /// Lets `change` go ahead when `proof` is accepted for `account`, or throws: the refusal of a
    /// wrong password or code (limited per account and per IP as logins and codes are), or
    /// ``FreshProofRequired`` when there is no proof or it is older than ``freshProofWindow``.
    func authorize(_ change: SensitiveChange, _ account: UserAccount, proof: IdentityProof?, ip: String) async throws {
        switch proof {
        case nil:
            throw FreshProofRequired(change: change)
        case .recent(let provedAt):
            guard isFresh(provedAt: provedAt, account) else { throw FreshProofRequired(change: change) }
        case .password(let password):
            try await checkPassword(account, password, ip: ip)
        case .code(let method, let code):
            try await checkSecondStep(account, proof: method, code: code, ip: ip)
        }
        logger.info("account \(account.sid) may \(change.rawValue): proof by \(proof?.kind ?? "none")")
    }

    /// Whether a confirmation made at `provedAt` still stands: younger than
    /// ``freshProofWindow`` and not from before a password change or reset.
    func isFresh(provedAt: Double?, _ account: UserAccount) -> Bool {
        guard let provedAt else { return false }
        let age = now().timeIntervalSince1970 - provedAt
        return age >= 0 && age < Self.freshProofWindow && provedAt >= account.sessionsValidAfter
    }

    /// Checks the account's current password, within the login limits of the account (counted
    /// by its sid, whatever name it logs in with) and of the client IP: a stolen session cannot
    /// guess it at leisure.
    func checkPassword(_ account: UserAccount, _ password: String, ip: String) async throws {
        guard !password.isEmpty else { throw FormErrors.field("current_password", "Enter your current password") }
        try limited(try await limits.login(account.sid, ip: ip, now: now()))
        guard try await passwords.verify(password, hash: account.passwordHash) else {
            throw FormErrors.field("current_password", "This is not your current password")
        }
    }

    /// The proof a JSON body carries: `current_password`, or `code` with its `method` (`totp`,
    /// `sms`, `recovery`; left out when the account has one factor). Nil when it carries neither.
    func proof(_ account: UserAccount, in body: [String: String]) throws -> IdentityProof? {
        if let password = body["current_password"] { return .password(password) }
        guard let code = body["code"] else { return nil }
        return .code(try requireMethod(account, body["method"]), code)
    }
}

extension IdentityProof {
    /// For the log line: which kind of proof, never its value.
    var kind: String {
        switch self {
        case .password: "password"
        case .code(let method, _): method.method
        case .recent: "recent confirmation"
        }
    }
}

extension FreshProofRequired {
    /// The JSON API's refusal: what to send with the change.
    var formErrors: FormErrors {
        FormErrors(
            fields: [
                "current_password":
                    "To \(change.rawValue), confirm it is you: send current_password, or a code with its method (totp, sms, recovery)"
            ],
            message: "This change needs a fresh proof that it is you", status: .forbidden)
    }
}
