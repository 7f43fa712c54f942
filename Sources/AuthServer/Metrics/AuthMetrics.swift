import Hummingbird
import ServerOperations
import VerifyClient

/// What the auth server counts beside its requests, for `GET /metrics`:
/// `auth_server_logins_total{method, result}`, `auth_server_tokens_issued_total{kind}`,
/// `auth_server_tokens_refused_total{reason}`, `auth_server_sms_refused_total{reason}`,
/// `auth_server_sms_breaker_trips_total{country}`, `auth_server_audit_failures_total`,
/// `auth_server_webhook_deliveries_total{result}`, `auth_server_twilio_errors_total{code}` and
/// `auth_server_twilio_request_duration_seconds{operation}`. Logins are counted where the
/// JSON API and the pages share them (the account service), so both are in the figures.
struct AuthMetrics: Sendable {
    let server: ServerMetrics

    /// How a login step proved who the user is.
    enum LoginMethod: String, Sendable {
        /// A code by SMS to a phone number: `POST /api/auth/verify-code`.
        case sms
        case password
        case passkey
        /// The second step with an authenticator app's code.
        case totp
        /// The second step with a code by SMS.
        case smsCode = "sms_code"
        /// The second step approved on a phone.
        case push
        case recoveryCode = "recovery_code"

        init(_ proof: SecondFactorProof) {
            switch proof {
            case .factor(.totp): self = .totp
            case .factor(.sms): self = .smsCode
            case .factor(.push): self = .push
            case .recovery: self = .recoveryCode
            }
        }
    }

    /// How a login step ended.
    enum LoginResult: String, Sendable {
        /// Signed in.
        case success
        /// The password was right; a second step follows.
        case secondFactorRequired = "second_factor_required"
        /// A wrong code or password, an unknown account, a denied or expired approval.
        case failure
        /// Refused by an abuse limit (429).
        case limited
        /// Verify or the database failed (5xx).
        case error

        /// The result a thrown error stands for, by its HTTP status; nil for a 202 (a push
        /// approval still pending is not an end).
        init?(error: any Error) {
            let status = ((error as? FormErrors)?.status ?? (error as? any HTTPResponseError)?.status)?.code ?? 500
            if status < 300 { return nil }
            self = status == 429 ? .limited : status >= 500 ? .error : .failure
        }
    }

    init(server: ServerMetrics = ServerMetrics(namespace: "auth_server")) {
        self.server = server
    }

    func login(_ method: LoginMethod, _ result: LoginResult) {
        server.increment("auth_server_logins_total", ["method": method.rawValue, "result": result.rawValue])
    }

    /// Runs one login step and counts how it ended: `result` of its value (nil: not an end,
    /// such as a push approval still pending), or the result its error stands for.
    func observeLogin<T>(
        _ method: LoginMethod, result: (T) -> LoginResult? = { _ in .success }, _ step: () async throws -> T
    ) async throws -> T {
        do {
            let value = try await step()
            if let result = result(value) { login(method, result) }
            return value
        } catch {
            if let result = LoginResult(error: error) { login(method, result) }
            throw error
        }
    }

    /// One login's tokens: an access token and a refresh token.
    func tokensIssued(refreshToken: Bool = true) {
        server.increment("auth_server_tokens_issued_total", ["kind": "access"])
        if refreshToken { server.increment("auth_server_tokens_issued_total", ["kind": "refresh"]) }
    }

    /// A code the SMS gate did not send (`country`, `breaker`).
    func smsRefused(reason: String) {
        server.increment("auth_server_sms_refused_total", ["reason": reason])
    }

    /// A country's SMS breaker opened.
    func smsBreakerTripped(country: String) {
        server.increment("auth_server_sms_breaker_trips_total", ["country": country])
    }

    /// An audit event that could not be recorded.
    func auditFailed() {
        server.increment("auth_server_audit_failures_total", [:])
    }

    /// How a webhook delivery attempt ended.
    enum WebhookResult: String, Sendable {
        case delivered
        /// Failed; retried later.
        case failed
        /// Failed for the last time.
        case givenUp = "given_up"
    }

    func webhookAttempt(_ result: WebhookResult) {
        server.increment("auth_server_webhook_deliveries_total", ["result": result.rawValue])
    }

    func tokenRefused(_ reason: TokenRefusal.Reason) {
        server.increment("auth_server_tokens_refused_total", ["reason": reason.rawValue])
    }

    /// A finished call to Verify: its latency, and its error if it failed (the Twilio code, or
    /// `timeout`, `transport`, `invalid_response`).
    func twilioCall(_ call: VerifyClient.Call) {
        server.record("auth_server_twilio_request_duration_seconds", ["operation": call.operation], call.duration)
        let code: String? =
            switch call.outcome {
            case .answered: nil
            case .twilioError(let code, _): String(code)
            case .timeout: "timeout"
            case .transport: "transport"
            case .invalidResponse: "invalid_response"
            }
        if let code { server.increment("auth_server_twilio_errors_total", ["code": code]) }
    }
}
