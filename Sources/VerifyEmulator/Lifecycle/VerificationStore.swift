import GRDB
import Logging
import VerifyWire

/// The verification lifecycle: start (and resend), check, cancel or approve, fetch.
///
/// Every state change runs as one operation of the ``WriteBatcher``: it re-reads the service and
/// the verification inside the transaction, decides, and writes, so concurrent checks of one
/// verification are serialised and can never exceed the attempt limit or approve twice.
/// Time comes only from the injected ``EmulatorClock``.
struct VerificationStore: Sendable {
    struct Limits: Sendable {
        var codeExpiry: Int64
        var maxSendAttempts: Int
        var sendWindow: Int64
        var maxCheckAttempts: Int
    }

    /// A verification as the API shows it, with its send attempts in order, and for SNA the
    /// newest attempt's URL token.
    struct Snapshot: Sendable {
        var verification: VerificationRecord
        var attempts: [MessageRecord]
        var sna: (attempt: String, token: String)? = nil
    }

    /// A check's answer: the verification, and for SNA its attempts' results.
    struct CheckResult: Sendable {
        var verification: VerificationRecord
        var snaErrors: [Int]?
    }

    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock
    let limits: Limits
    let outbox: Outbox

    /// Starts a verification, or re-sends the pending one for the same `To` (same SID, same code,
    /// one more send attempt), and "delivers" the code to the outbox.
    func start(
        account: SID, serviceSid: SID, request: StartVerificationRequest,
        withheld: WithheldDelivery? = nil
    ) async throws
        -> Snapshot
    {
        let now = clock.now().epochMilliseconds
        let limits = self.limits
        // Everything random is drawn before the write, so the single writer does only
        // database work (the CSPRNG is a system call).
        let fresh = FreshValues(now: now)
        let snapshot = try await batcher.write { db -> Snapshot in
            guard let service = try VerificationQueries.service(db, account: account, sid: serviceSid) else {
                throw NotFound("no service \(serviceSid) in account \(account)")
            }
            if request.customCode != nil, !service.customCodeEnabled {
                throw TwilioError.customCodeNotAllowed()
            }
            if request.amount != nil, !service.psd2Enabled {
                throw TwilioError.invalidParameter(
                    "Amount", hint: "Amount and Payee need a service with Psd2Enabled (POST /v2/Services/{VA})")
            }
            if !request.rateLimits.isEmpty {
                try RateLimitStore.enforce(db, serviceID: service.id, values: request.rateLimits, now: now)
            }
            let sentInWindow =
                limits.maxSendAttempts == 0
                ? 0
                : try VerificationQueries.sentCount(
                    db, to: request.to, serviceSid: serviceSid, since: now - limits.sendWindow,
                    upTo: limits.maxSendAttempts)
            if limits.maxSendAttempts > 0, sentInWindow >= limits.maxSendAttempts {
                var error = TwilioError.maxSendAttempts(
                    hint: "\(sentInWindow) codes sent to \(request.to) in the last \(limits.sendWindow / 1000) s; "
                        + "the limit is \(limits.maxSendAttempts)")
                // the oldest of the counted sends leaves the window first
                let oldest = try VerificationQueries.oldestCountedSend(
                    db, to: request.to, serviceSid: serviceSid, upTo: limits.maxSendAttempts)
                error.retryAfter = Int(((oldest ?? now) + limits.sendWindow - now + 999) / 1000)
                error.reachedRateLimit = "send_attempts"
                throw error
            }

            var verification: VerificationRecord
            var isResend = false
            if var current = try VerificationQueries.latest(db, service: service, to: request.to),
                current.status == .pending
            {
                if current.isExpired(at: now) {
                    current.status = .expired
                    current.updatedAt = now
                    try VerificationQueries.saveState(db, current)
                    verification = try Self.newVerification(
                        db, service: service, request: request, fresh: fresh, now: now, limits: limits)
                } else {
                    current.channel = request.channel.rawValue
                    current.updatedAt = now
                    try VerificationQueries.saveState(db, current)
                    verification = current
                    isResend = true
                }
            } else {
                verification = try Self.newVerification(
                    db, service: service, request: request, fresh: fresh, now: now, limits: limits)
            }

            var message = MessageRecord(
                sid: fresh.messageSid.rawValue, accountSid: account.rawValue, serviceSid: serviceSid.rawValue,
                verificationSid: verification.sid, toAddress: request.to, channel: request.channel.rawValue,
                body: MessageText.body(
                    channel: request.channel, name: request.customFriendlyName ?? service.friendlyName,
                    code: verification.code, locale: request.locale,
                    doNotShareWarning: service.doNotShareWarningEnabled, appHash: request.appHash,
                    template: (request.templateSid ?? service.defaultTemplateSid.flatMap { SID($0) })
                        .flatMap(TemplateCatalogue.template),
                    substitutions: request.templateSubstitutions),
                code: verification.code, createdAt: now)
            try VerificationQueries.insert(db, &message)
            if let withheld {
                try WithheldDeliveries.hold(db, message: message, until: withheld, now: now)
            }
            var sna: (attempt: String, token: String)?
            if request.channel == .sna {
                try SilentNetworkAuth.insertSession(
                    db, attemptSid: message.sid, verificationSid: verification.sid, token: fresh.snaToken, now: now)
                sna = (message.sid, fresh.snaToken)
            }
            let attempts =
                isResend ? try VerificationQueries.attempts(db, verificationSid: verification.sid) : [message]
            return Snapshot(verification: verification, attempts: attempts, sna: sna)
        }
        if withheld == nil, let sent = snapshot.attempts.last { outbox.delivered(sent) }
        return snapshot
    }

    /// Checks a code. A right code approves; a wrong one uses up an attempt. Finished,
    /// expired and unknown verifications are 404; one past its attempts is 429 once, then 404.
    func check(
        account: SID, serviceSid: SID, request: CheckVerificationRequest
    ) async throws
        -> CheckResult
    {
        let now = clock.now().epochMilliseconds
        let maxChecks = limits.maxCheckAttempts
        return try await batcher.writeKeeping({ db -> Result<CheckResult, any Error> in
            guard let service = try VerificationQueries.service(db, account: account, sid: serviceSid) else {
                throw NotFound("no service \(serviceSid) in account \(account)")
            }
            let found: VerificationRecord?
            switch request.target {
            case .verification(let sid):
                found = try VerificationQueries.find(db, serviceId: service.id, sid: sid)
            case .recipient(let to):
                found = try VerificationQueries.latest(db, service: service, to: to)
            }
            guard var verification = found else {
                return .failure(NotFound("no verification matches on service \(serviceSid)"))
            }
            switch verification.status {
            case .pending where verification.isExpired(at: now):
                verification.status = .expired
                verification.updatedAt = now
                try VerificationQueries.saveState(db, verification)
                return .failure(NotFound("verification \(verification.sid) expired"))
            case .pending where verification.channel == VerificationChannel.sna.rawValue:
                // no code: the phone's opening of its SNA URL decides
                let results = try SilentNetworkAuth.results(db, verificationSid: verification.sid)
                guard !results.isEmpty else {
                    return .failure(
                        TwilioError(
                            code: 60519, status: 400, message: "Verification result not ready",
                            hint: "the phone has not opened the SNA URL of \(verification.sid) yet"))
                }
                if results.contains(0) {
                    verification.status = .approved
                    verification.updatedAt = now
                    try VerificationQueries.saveState(db, verification)
                }
                return .success(CheckResult(verification: verification, snaErrors: results.filter { $0 != 0 }))
            case .pending:
                guard let code = request.code else {
                    return .failure(TwilioError.invalidParameter("Code", hint: "Code is required"))
                }
                if ConstantTime.equal(code, verification.code) {
                    verification.status = .approved
                } else {
                    verification.checkAttempts += 1
                    if maxChecks > 0, verification.checkAttempts >= maxChecks {
                        verification.status = .maxAttemptsReached
                    }
                }
                verification.updatedAt = now
                try VerificationQueries.saveState(db, verification)
                return .success(CheckResult(verification: verification))
            case .maxAttemptsReached where verification.checkAttempts <= maxChecks:
                // The first check after the limit is told so; Twilio then deletes the verification.
                verification.checkAttempts += 1
                try VerificationQueries.saveState(db, verification)
                return .failure(
                    TwilioError.maxCheckAttempts(hint: "verification \(verification.sid) had \(maxChecks) wrong checks")
                )
            default:
                return .failure(
                    NotFound(
                        "verification \(verification.sid) is \(verification.status.rawValue), no longer checkable"
                    ))
            }
        })
    }

    /// Ends a pending verification by hand with `canceled` or `approved`.
    func update(
        account: SID, serviceSid: SID, sid: SID, status: VerificationStatus
    ) async throws -> Snapshot {
        let now = clock.now().epochMilliseconds
        return try await batcher.writeKeeping({ db -> Result<Snapshot, any Error> in
            guard let service = try VerificationQueries.service(db, account: account, sid: serviceSid) else {
                throw NotFound("no service \(serviceSid) in account \(account)")
            }
            guard
                var verification = try VerificationQueries.find(db, serviceId: service.id, sid: sid)
            else { return .failure(NotFound("no verification \(sid) on service \(serviceSid)")) }
            guard verification.status == .pending else {
                return .failure(NotFound("verification \(sid) is already \(verification.status.rawValue)"))
            }
            verification.status = verification.isExpired(at: now) ? .expired : status
            verification.updatedAt = now
            try VerificationQueries.saveState(db, verification)
            if verification.status == .expired {
                return .failure(NotFound("verification \(sid) expired"))
            }
            return .success(
                Snapshot(
                    verification: verification,
                    attempts: try VerificationQueries.attempts(db, verificationSid: sid.rawValue)))
        })
    }

    /// A pending verification; finished or expired ones are gone, as on Twilio.
    func fetch(account: SID, serviceSid: SID, sid: SID) async throws -> Snapshot {
        let now = clock.now().epochMilliseconds
        let snapshot = try await writer.read { db -> Snapshot? in
            guard let service = try VerificationQueries.service(db, account: account, sid: serviceSid),
                let verification = try VerificationQueries.find(db, serviceId: service.id, sid: sid)
            else { return nil }
            return Snapshot(
                verification: verification,
                attempts: try VerificationQueries.attempts(db, verificationSid: sid.rawValue),
                sna: verification.channel == VerificationChannel.sna.rawValue
                    ? try SilentNetworkAuth.latestToken(db, verificationSid: sid.rawValue) : nil)
        }
        guard let snapshot else {
            throw NotFound("no verification \(sid) on service \(serviceSid)")
        }
        guard snapshot.verification.status == .pending, !snapshot.verification.isExpired(at: now) else {
            let state: VerificationStatus =
                snapshot.verification.status == .pending ? .expired : snapshot.verification.status
            throw NotFound("verification \(sid) is \(state.rawValue)")
        }
        return snapshot
    }

    /// A new pending verification, written: its code is the request's `CustomCode`, else a
    /// fixed code that names it, else fresh random digits of the service's length.
    private static func newVerification(
        _ db: Database, service: VerificationQueries.ServiceRow, request: StartVerificationRequest,
        fresh: FreshValues, now: Int64, limits: Limits
    ) throws -> VerificationRecord {
        var record = VerificationRecord(
            sid: fresh.verificationSid.rawValue, serviceId: service.id, serviceSid: service.sid,
            accountSid: service.accountSid, toAddress: request.to, channel: request.channel.rawValue, status: .pending,
            code: try request.customCode
                ?? VerificationQueries.fixedCode(db, to: request.to, serviceSid: service.sid)
                ?? String(fresh.digits.prefix(service.codeLength)),
            checkAttempts: 0,
            locale: request.locale, amount: request.amount, payee: request.payee, createdAt: now, updatedAt: now,
            expiresAt: now + limits.codeExpiry)
        try VerificationQueries.insert(db, &record)
        return record
    }

    /// Random values a start may need, drawn outside the write transaction.
    struct FreshValues: Sendable {
        var verificationSid: SID
        var messageSid: SID
        /// Enough digits for the longest code; a service takes the first `code_length`.
        var digits = VerificationStore.randomCode(length: 10)
        /// The secret part of an SNA URL, 128 random bits (drawn for every start; used by SNA ones).
        var snaToken = String(SID.random(.request).rawValue.dropFirst(2))

        /// Time-ordered SIDs (see ``SID/timeOrdered(_:milliseconds:)``): the sid indexes of
        /// verifications and messages then grow at their ends.
        init(now: Int64) {
            verificationSid = .timeOrdered(.verification, milliseconds: now)
            messageSid = .timeOrdered(.sendAttempt, milliseconds: now)
        }
    }

    /// `length` (at most 18) decimal digits from the system CSPRNG, uniformly distributed.
    static func randomCode(length: Int) -> String {
        precondition((1...18).contains(length))
        var generator = SecureRandom()
        var limit: UInt64 = 1
        for _ in 0..<length { limit *= 10 }
        let digits = String(UInt64.random(in: 0..<limit, using: &generator))
        return String(repeating: "0", count: length - digits.count) + digits
    }
}
