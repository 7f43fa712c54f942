extension AuditLog {
    /// Runs one login step, counted as ``AuthMetrics/observeLogin(_:result:_:)`` counts it, and
    /// recorded: `login.succeeded` when it signed someone in, `login.failed` (with `result`:
    /// `failure` or `limited`) when it refused them. Every login of the JSON API and the pages
    /// ends in a step run here, so none is left out of the log.
    ///
    /// - Parameters:
    ///   - subject: who the step is about when known before it runs (a phone number, the
    ///     account of a second step); else `subjectOf` reads it from a success (a password or
    ///     passkey login), and `failedSubject` finds it after a failure (the account a login
    ///     name names, if any: its owner sees the attempt); else a failure keeps the `login`
    ///     name typed.
    ///   - successRecorded: the step records its own success, with its tokens
    ///     (``loginSucceeded(_:subject:)`` passed to ``TokenIssuer/startLogin(_:message:username:client:recording:)``).
    func observeLogin<T>(
        _ method: AuthMetrics.LoginMethod, subject: String? = nil, subjectOf: (T) -> String? = { _ in nil },
        failedSubject: (() async -> String?)? = nil, login: String? = nil, successRecorded: Bool = false,
        result: (T) -> AuthMetrics.LoginResult? = { _ in .success },
        _ step: () async throws -> T
    ) async throws -> T {
        var ended: AuthMetrics.LoginResult?
        var value: T?
        do {
            let made = try await step()
            value = made
            ended = result(made)
            if let ended { metrics.login(method, ended) }
        } catch {
            ended = AuthMetrics.LoginResult(error: error)
            if let ended { metrics.login(method, ended) }
            var who = subject
            if who == nil, ended == .failure || ended == .limited, let failedSubject { who = await failedSubject() }
            await recordLogin(ended, method, subject: who, login: login)
            throw error
        }
        if !(successRecorded && ended == .success) {
            await recordLogin(ended, method, subject: subject ?? value.flatMap(subjectOf), login: login)
        }
        return value!
    }

    /// The event of a login of `subject` by `method` that succeeded.
    static func loginSucceeded(_ method: AuthMetrics.LoginMethod, subject: String?) -> AuditEvent {
        AuditEvent(.loginSucceeded, subject: subject, detail: ["method": method.rawValue])
    }

    private func recordLogin(
        _ result: AuthMetrics.LoginResult?, _ method: AuthMetrics.LoginMethod, subject: String?, login: String?
    ) async {
        var detail = ["method": method.rawValue]
        switch result {
        case .success:
            await record(Self.loginSucceeded(method, subject: subject))
        case .failure, .limited:
            detail["result"] = result!.rawValue
            if subject == nil, let login { detail["login"] = String(login.prefix(100)) }
            await record(AuditEvent(.loginFailed, subject: subject, detail: detail))
        case .secondFactorRequired, .error, nil:
            break
        }
    }
}
