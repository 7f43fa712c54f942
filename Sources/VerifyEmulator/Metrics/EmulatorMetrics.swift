import ServerOperations
import VerifyWire

/// What the emulator counts beside its requests, for `GET /metrics`:
/// `verify_emulator_verifications_started_total{channel}`,
/// `verify_emulator_checks_total{result}`, `verify_emulator_messages_total{channel}` and
/// `verify_emulator_faults_fired_total{endpoint, effect}`.
struct EmulatorMetrics: Sendable {
    let server: ServerMetrics

    /// How a verification check ended.
    enum CheckResult: String, Sendable {
        case approved
        /// The code did not match; the verification stays pending.
        case wrongCode = "wrong_code"
        /// No pending verification (never started, expired, approved or canceled): 404/20404.
        case notFound = "not_found"
        /// 429/60202: its check attempts are used up.
        case maxAttemptsReached = "max_attempts_reached"
        /// Any other refusal (a bad parameter, a fault rule's error).
        case refused
    }

    /// What a fault rule did to a request.
    enum FaultEffect: String, Sendable {
        /// Answered with the rule's Twilio error (after its latency, if any).
        case error
        /// Only delayed.
        case latency
    }

    init(server: ServerMetrics = ServerMetrics(namespace: "verify_emulator")) {
        self.server = server
    }

    func verificationStarted(channel: String) {
        server.increment("verify_emulator_verifications_started_total", ["channel": channel])
    }

    func checked(_ result: CheckResult) {
        server.increment("verify_emulator_checks_total", ["result": result.rawValue])
    }

    /// A check that threw: its result named from the Twilio error.
    func checkFailed(_ error: any Error) {
        if error is NotFound { return checked(.notFound) }
        switch (error as? TwilioError)?.code {
        case 20404: checked(.notFound)
        case 60202: checked(.maxAttemptsReached)
        default: checked(.refused)
        }
    }

    func messageSent(channel: String) {
        server.increment("verify_emulator_messages_total", ["channel": channel])
    }

    func faultFired(endpoint: TwilioEndpoint, effect: FaultEffect) {
        server.increment(
            "verify_emulator_faults_fired_total", ["endpoint": endpoint.rawValue, "effect": effect.rawValue])
    }
}
