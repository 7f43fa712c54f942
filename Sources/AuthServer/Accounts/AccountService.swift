import Hummingbird
import Logging
import Synchronization
import VerifyClient
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The account rules shared by the web pages and the JSON API: registration, password login,
/// profile and password changes, and password reset by email through Verify's email channel.
/// The second factors (SMS, authenticator app, recovery codes) are in the `AccountService+…`
/// extensions.
struct AccountService: Sendable {
    let accounts: AccountStore
    let factors: SecondFactorStore
    let passwords: Passwords
    let verify: VerifyClient
    let serviceSid: String
    let limits: AbuseLimits
    let resetCodes: ResetCodeSender
    /// Whether logins may ask the user's phone for approval (`PUSH_LOGIN`).
    let pushLogin: Bool
    /// Whether passkeys are on (a relying party is configured).
    let passkeysOn: Bool
    let metrics: AuthMetrics
    /// Where security events go (and, through its outbox, webhooks).
    let audit: AuditLog
    let logger: Logger
    let now: @Sendable () -> Date
    private let dummyHash = TimingHash()

    init(
        accounts: AccountStore, factors: SecondFactorStore, passwords: Passwords, verify: VerifyClient,
        serviceSid: String, limits: AbuseLimits, resetCodes: ResetCodeSender, pushLogin: Bool = false,
        passkeysOn: Bool = false, metrics: AuthMetrics = AuthMetrics(), audit: AuditLog,
        logger: Logger, now: @escaping @Sendable () -> Date
    ) {
        self.audit = audit
        self.metrics = metrics
        self.pushLogin = pushLogin
        self.passkeysOn = passkeysOn
        self.resetCodes = resetCodes
        self.accounts = accounts
        self.factors = factors
        self.passwords = passwords
        self.verify = verify
        self.serviceSid = serviceSid
        self.limits = limits
        self.logger = logger
        self.now = now
    }

    /// The account's signed-in devices, for the profile page.
    var deviceSessions: DeviceSessions {
        DeviceSessions(refreshTokens: accounts.refreshTokens, audit: audit, now: now)
    }

    // MARK: Validation

    static func checkUsername(_ raw: String) -> Result<String, FormErrors> {
        let username = String(raw.trimmingWhitespace())
        guard (3...32).contains(username.count) else { return .failure(.field("username", "Use 3 to 32 characters")) }
        guard
            username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }),
            username.first!.isLetter || username.first!.isNumber
        else {
            return .failure(.field("username", "Use letters, digits, '.', '_' or '-', starting with a letter or digit"))
        }
        return .success(username)
    }

    /// An email address as accounts keep it: ASCII only. Case-folding a non-ASCII address can
    /// land on another one (U+212A KELVIN SIGN lowercases to `k`), which would let an account
    /// squat the ASCII address and receive its resets; internationalised domains are entered in
    /// their ASCII (punycode) form.
    static func checkEmail(_ raw: String) -> Result<String, FormErrors> {
        let email = String(raw.trimmingWhitespace())
        guard email.unicodeScalars.allSatisfy(\.isASCII) else {
            return .failure(
                .field("email", "Use an address in plain ASCII letters (a domain in its xn-- form)"))
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !email.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" })
        else { return .failure(.field("email", "Enter an email address like name@example.com")) }
        return .success(email)
    }

    static func checkNewPassword(
        _ password: String, confirmation: String, username: String?, field: String = "password"
    ) -> FormErrors? {
        if let problem = Passwords.problem(with: password, username: username) { return .field(field, problem) }
        if password != confirmation { return .field("password_confirmation", "The passwords do not match") }
        return nil
    }

    // MARK: Registration and login

    func register(
        username rawUsername: String, email rawEmail: String, password: String, confirmation: String, ip: String
    )
        async throws -> UserAccount
    {
        var errors = FormErrors()
        let username = Self.checkUsername(rawUsername)
        let email = Self.checkEmail(rawEmail)
        if case .failure(let error) = username { errors.fields.merge(error.fields) { a, _ in a } }
        if case .failure(let error) = email { errors.fields.merge(error.fields) { a, _ in a } }
        if let error = Self.checkNewPassword(
            password, confirmation: confirmation, username: try? username.get())
        {
            errors.fields.merge(error.fields) { a, _ in a }
        }
        guard errors.fields.isEmpty, case .success(let name) = username, case .success(let address) = email else {
            throw errors
        }
        // each registration costs a password hash: counted per client IP before the hash
        try limited(try await limits.register(ip: ip, now: now()))
        let hash = try await passwords.hash(password)
        do {
            let account = try await accounts.create(username: name, email: address, passwordHash: hash, now: now())
            await audit.record(AuditEvent(.accountCreated, subject: account.sid))
            return account
        } catch AccountConflict.username {
            throw FormErrors(fields: ["username": "This username is taken"], status: .conflict)
        } catch AccountConflict.email {
            throw FormErrors(fields: ["email": "An account with this email already exists"], status: .conflict)
        }
    }

    /// A password login step, counted and recorded (``AuditLog/observeLogin(_:subject:subjectOf:failedSubject:login:result:_:)``):
    /// the account, whose second step follows when it has factors on. A failure is recorded
    /// against the account the name names, if any, so its owner sees the attempt.
    func passwordLogin(login: String, password: String, ip: String) async throws -> UserAccount {
        try await audit.observeLogin(
            .password, subjectOf: { $0.sid }, failedSubject: { try? await accounts.find(login: login)?.sid },
            login: login, result: { methods($0).isEmpty ? .success : .secondFactorRequired }
        ) {
            try await authenticate(login: login, password: password, ip: ip)
        }
    }

    /// The account whose password this is. Wrong username and wrong password get the same
    /// answer and take the same time; attempts are limited per login name and per client IP.
    func authenticate(login rawLogin: String, password: String, ip: String) async throws -> UserAccount {
        let login = String(rawLogin.trimmingWhitespace())
        guard !login.isEmpty, !password.isEmpty else {
            var errors = FormErrors()
            if login.isEmpty { errors.fields["login"] = "Enter your username or email" }
            if password.isEmpty { errors.fields["password"] = "Enter your password" }
            throw errors
        }
        let account = try await accounts.find(login: login)
        // one count per account whatever name it is asked by (username or email)
        try limited(try await limits.login(account?.sid ?? login, ip: ip, now: now()))
        let matches: Bool
        if let account {
            matches = try await passwords.verify(password, hash: account.passwordHash)
        } else {
            _ = try await passwords.verify(password, hash: try await timingHash())
            matches = false
        }
        guard let account, matches else {
            throw FormErrors(message: "Wrong username or password", status: .unauthorized)
        }
        guard !account.isDisabled else {
            throw FormErrors(message: "This account is disabled", status: .forbidden)
        }
        return account
    }

    private func timingHash() async throws -> String {
        if let hash = dummyHash.value.withLock({ $0 }) { return hash }
        let hash = try await passwords.dummyHash()
        dummyHash.value.withLock { $0 = hash }
        return hash
    }

    /// A Verify failure as the refusal a form or the JSON API shows (with its `Retry-After`).
    func formErrors(_ failure: APIError) -> FormErrors {
        var errors = FormErrors(message: failure.message, status: failure.status)
        errors.retryAfter = failure.headers[.retryAfter].flatMap { Int($0) }
        return errors
    }

    func limited(_ wait: Int?) throws {
        guard let wait else { return }
        var errors = FormErrors(message: "Too many attempts; try again in \(wait) seconds", status: .tooManyRequests)
        errors.retryAfter = wait
        throw errors
    }

    // MARK: Codes through Twilio Verify

    static let usedUpCode = "This code has expired or was already used. Send a new code."

    /// Sends a code by SMS to `phone` for `account` (a second step, or turning SMS on), through
    /// the SMS gate and the limits (``AbuseLimits/admitSMS(to:ip:now:)``); recorded as sent or
    /// refused in the audit log.
    func sendCode(to phone: String, for account: UserAccount, ip: String) async throws {
        let admission: AbuseLimits.SMSAdmission
        do {
            admission = try await limits.admitSMS(to: phone, ip: ip, now: now())
        } catch let refusal as SMSRefusal {
            await audit.codeRefused(refusal, subject: account.sid, to: phone)
            throw FormErrors(refusal)
        }
        if admission == .paid {
            do {
                _ = try await verify.startVerification(serviceSid: serviceSid, to: phone, channel: .sms)
            } catch let error as VerifyClientError {
                await audit.verifyRefused(error, subject: account.sid, to: phone)
                throw formErrors(verifyFailure(error, during: "send", logger: logger))
            }
        }
        await audit.record(AuditEvent(.codeSent, subject: account.sid, detail: ["channel": "sms", "to": phone]))
    }

    /// Checks a code sent to `to`; the refusal says whether it was wrong, expired or used up.
    func checkCode(to: String, code rawCode: String, ip: String) async throws {
        let code = try Self.messageCode(rawCode)
        try limited(try await limits.verify(to, ip: ip, now: now()))
        switch try await verifyCheck(to: to, code: code) {
        case .approved:
            if to.hasPrefix("+") { limits.sms.verified(to, now: now()) }
            return
        case .usedUp: throw FormErrors(fields: ["code": Self.usedUpCode])
        case .tooManyWrong:
            var errors = FormErrors(
                fields: ["code": "Too many wrong codes. Send a new code."], status: .tooManyRequests)
            errors.retryAfter = RetryAfter.newCode
            throw errors
        case .wrong:
            throw FormErrors(fields: ["code": "That code is not right. Check the message and try again."])
        }
    }

    /// A code as a message carries it: 4 to 10 ASCII letters or digits.
    static func messageCode(_ raw: String) throws -> String {
        let code = String(raw.trimmingWhitespace())
        guard (4...10).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw FormErrors.field("code", "Enter the code from the message (4 to 10 letters or digits)")
        }
        return code
    }

    /// What Verify said of a code.
    enum CodeCheck: Sendable, Equatable {
        case approved, wrong, usedUp, tooManyWrong
    }

    /// Verify's check of `code` for `to`; a failure of Verify itself is thrown as a refusal.
    func verifyCheck(to: String, code: String) async throws -> CodeCheck {
        if let accepted = limits.sms.settings.reviewNumbers.accepts(code, for: to) {
            return accepted ? .approved : .wrong
        }
        let check: VerificationCheckResource
        do {
            check = try await verify.checkVerification(serviceSid: serviceSid, to: to, code: code)
        } catch VerifyClientError.twilio(let error) where error.code == 20404 {
            return .usedUp
        } catch VerifyClientError.twilio(let error) where error.code == 60202 {
            return .tooManyWrong
        } catch let error as VerifyClientError {
            throw formErrors(verifyFailure(error, during: "check", logger: logger))
        }
        return check.status == .approved && check.valid ? .approved : .wrong
    }

    // MARK: Profile and passwords

    func updateProfile(
        _ account: UserAccount, username rawUsername: String, about rawAbout: String
    ) async throws -> UserAccount {
        let about = String(rawAbout.trimmingWhitespace())
        var errors = FormErrors()
        let username = Self.checkUsername(rawUsername)
        if case .failure(let error) = username { errors.fields.merge(error.fields) { a, _ in a } }
        if about.count > 500 { errors.fields["about"] = "Keep it under 500 characters" }
        guard errors.fields.isEmpty, case .success(let name) = username else { throw errors }
        do {
            return try await accounts.updateProfile(id: account.id, username: name, about: about, now: now())
        } catch AccountConflict.username {
            throw FormErrors(fields: ["username": "This username is taken"], status: .conflict)
        }
    }

    /// Changes the password after checking the current one. Every other session and every
    /// token of the account is revoked; `keepSession` (the browser making the change) stays.
    func changePassword(
        _ account: UserAccount, current: String, new: String, confirmation: String, keepSession: String?, ip: String
    ) async throws {
        try await authorize(.changePassword, account, proof: .password(current), ip: ip)
        if let error = Self.checkNewPassword(new, confirmation: confirmation, username: account.username) {
            throw error
        }
        try await setPassword(account, new, keepSession: keepSession)
        await audit.record(AuditEvent(.passwordChanged, subject: account.sid))
    }

    private func setPassword(_ account: UserAccount, _ password: String, keepSession: String?) async throws {
        let hash = try await passwords.hash(password)
        try await accounts.setPassword(account, hash: hash, now: now(), keepSession: keepSession)
    }

    /// Sends a reset code to the email, if an account has it. The answer, its limits and its
    /// time are the same either way, so the form does not reveal which addresses have accounts:
    /// the code goes out in the background (``ResetCodeSender``).
    func requestPasswordReset(email rawEmail: String, ip: String) async throws -> String {
        guard case .success(let email) = Self.checkEmail(rawEmail) else {
            throw FormErrors.field("email", "Enter the email address of your account")
        }
        try limited(try await limits.send(to: email.lowercased(), ip: ip, now: now()))
        if let account = try await accounts.find(email: email), !account.isDisabled {
            resetCodes.enqueue(email: account.email, accountSid: account.sid)
        }
        return email
    }

    static let wrongResetCode =
        "This code is not right, or it has expired or was already used. Check the email, or send a new code."

    /// Sets a new password with the code from the reset email; all sessions and tokens are revoked
    /// and the account's passkeys removed (see ``removePasskeysAfterReset(_:)``).
    ///
    /// Whether the email has an account must not show: an unknown email gets the same answers,
    /// limits and work as a wrong code for a real one (its code is checked on Verify too, which
    /// finds nothing), every code refusal is one message, and the rule that a password must not
    /// be the username is applied only once the code proved the email's owner.
    func completePasswordReset(
        email rawEmail: String, code rawCode: String, password: String, confirmation: String, ip: String
    )
        async throws
    {
        if let error = Self.checkNewPassword(password, confirmation: confirmation, username: nil) { throw error }
        guard case .success(let email) = Self.checkEmail(rawEmail) else {
            throw FormErrors.field("email", "Enter the email address of your account")
        }
        let code = try Self.messageCode(rawCode)
        try limited(try await limits.verify(email.lowercased(), ip: ip, now: now()))
        let account = try await accounts.find(email: email).flatMap { $0.isDisabled ? nil : $0 }
        let check = try await verifyCheck(to: account?.email ?? email, code: code)
        guard let account, check == .approved else { throw FormErrors(fields: ["code": Self.wrongResetCode]) }
        if let problem = Passwords.problem(with: password, username: account.username) {
            throw FormErrors.field("password", problem + ". This code is used now: send a new one.")
        }
        try await setPassword(account, password, keepSession: nil)
        try await removePasskeysAfterReset(account)
        logger.info("password reset for account \(account.sid)")
        await audit.record(AuditEvent(.passwordReset, subject: account.sid))
    }
}
