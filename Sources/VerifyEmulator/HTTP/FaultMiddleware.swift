import Hummingbird
import VerifyWire

/// Applies fault rules to routed `/v2` requests, after authentication and before the handlers.
/// ``TwilioRouter`` runs it once a request's route, and so its ``TwilioEndpoint``, is known.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let rules: FaultRules
    /// A number on the account's safe list passes the rules that play Fraud Guard.
    let safeList: SafeListStore
    let metrics: EmulatorMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard !rules.isEmpty, let endpoint = context.endpoint else { return try await next(request, context) }
        var request = request
        var to: String?
        var riskCheckDisabled = false
        if request.method == .post, endpoint == .verifications || endpoint == .verificationChecks {
            let buffer = try await request.collectBody(upTo: context.maxUploadSize)
            let form = try? FormData(parsing: Array(buffer.readableBytesView))
            to = form?["To"]
            // RiskCheck=disable bypasses Fraud Guard for this start, as a safe-listed number does
            riskCheckDisabled = endpoint == .verifications && form?["RiskCheck"] == "disable"
        }
        let serviceSid = context.parameters.get("service")
        var safeListed = riskCheckDisabled
        if !safeListed, let to, let account = context.account, rules.hasFraudGuard {
            safeListed = try await safeList.contains(account: account, number: to)
        }
        guard let rule = rules.take(endpoint: endpoint, serviceSid: serviceSid, to: to, safeListed: safeListed) else {
            return try await next(request, context)
        }
        metrics.faultFired(endpoint: endpoint, effect: rule.twilioError == nil ? .latency : .error)
        if let latency = rule.latencyMs, latency > 0 {
            try await Task.sleep(for: .milliseconds(latency))
        }
        if let error = rule.twilioError { throw error }
        return try await next(request, context)
    }
}
