import Hummingbird
import Synchronization
import VerifyWire

/// A fault injection rule: requests it matches get a chosen Twilio error, extra latency, or
/// both, for ever or for the next `times` matches only.
///
/// ```json
/// {"endpoint": "verifications", "to": "+1500555000*", "error": {"code": 60410}, "times": 1}
/// ```
public struct FaultRule: Codable, Sendable, Equatable {
    /// Which operation: `services`, `verifications` (start), `verification` (fetch or update),
    /// `verification_checks`, `rate_limits`, or `any` (the default).
    public var endpoint: String
    /// Only requests on this service.
    public var serviceSid: String?
    /// Only requests whose `To` matches: exact, or with `*` standing for any characters.
    public var to: String?
    /// The error to answer with; known codes need only `code`.
    public var error: FaultError?
    /// Extra time before answering, in milliseconds.
    public var latencyMs: Int?
    /// Match only this many more requests; nil for every request.
    public var times: Int?
    /// Set by the emulator.
    public var id: String?
    /// A note shown in listings (e.g. what a magic number is for).
    public var description: String?

    public struct FaultError: Codable, Sendable, Equatable {
        public var code: Int
        public var status: Int?
        public var message: String?

        public init(code: Int, status: Int? = nil, message: String? = nil) {
            self.code = code
            self.status = status
            self.message = message
        }
    }

    public init(
        endpoint: String = "any", serviceSid: String? = nil, to: String? = nil, error: FaultError? = nil,
        latencyMs: Int? = nil, times: Int? = nil, description: String? = nil
    ) {
        self.endpoint = endpoint
        self.serviceSid = serviceSid
        self.to = to
        self.error = error
        self.latencyMs = latencyMs
        self.times = times
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case endpoint, to, error, times, id, description
        case serviceSid = "service_sid"
        case latencyMs = "latency_ms"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        endpoint = try c.decodeIfPresent(String.self, forKey: .endpoint) ?? "any"
        serviceSid = try c.decodeIfPresent(String.self, forKey: .serviceSid)
        to = try c.decodeIfPresent(String.self, forKey: .to)
        error = try c.decodeIfPresent(FaultError.self, forKey: .error)
        latencyMs = try c.decodeIfPresent(Int.self, forKey: .latencyMs)
        times = try c.decodeIfPresent(Int.self, forKey: .times)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        description = try c.decodeIfPresent(String.self, forKey: .description)
    }

    static let endpoints = ["any", "services", "verifications", "verification", "verification_checks", "rate_limits"]

    /// Twilio's status and message for the errors a demo most wants to show.
    static let knownErrors: [Int: (status: Int, message: String)] = [
        20003: (401, "Authenticate"),
        20404: (404, "The requested resource was not found"),
        20429: (429, "Too many requests"),
        20500: (500, "Internal Server Error"),
        20503: (503, "Service Unavailable"),
        60200: (400, "Invalid parameter"),
        60202: (429, "Max check attempts reached"),
        60203: (429, "Max send attempts reached"),
        60205: (400, "SMS is not supported by landline phone number"),
        60212: (429, "Too many concurrent requests for phone number"),
        60410: (403, "Verification delivery attempt blocked"),
        60436: (400, "Recipient invalid or not provided"),
    ]

    /// Why the rule is unusable, or nil.
    public var problem: String? {
        if !Self.endpoints.contains(endpoint) {
            return "endpoint must be one of \(Self.endpoints.joined(separator: ", "))"
        }
        if error == nil, latencyMs == nil { return "a rule needs an error, a latency_ms, or both" }
        if let error {
            if error.status == nil, Self.knownErrors[error.code] == nil {
                return "error \(error.code) is not a known code; give its status too"
            }
            if let status = error.status, !(400...599).contains(status) { return "error status must be 400 to 599" }
        }
        if let latencyMs, !(0...60_000).contains(latencyMs) { return "latency_ms must be 0 to 60000" }
        if let times, times < 1 { return "times must be at least 1" }
        if let serviceSid, SID(serviceSid, expecting: .service) == nil { return "service_sid must be a VA SID" }
        if let to, to.isEmpty { return "to must not be empty" }
        return nil
    }

    var twilioError: TwilioError? {
        guard let error else { return nil }
        let known = Self.knownErrors[error.code]
        let status = error.status ?? known?.status ?? 400
        return TwilioError(
            code: error.code, status: status, message: error.message ?? known?.message ?? "Injected error",
            hint: "fault rule \(id ?? "?")" + (description.map { ": \($0)" } ?? ""))
    }

    func matches(endpoint: String, serviceSid: String?, to: String?) -> Bool {
        if self.endpoint != "any", self.endpoint != endpoint { return false }
        if let wanted = self.serviceSid, wanted.lowercased() != serviceSid?.lowercased() { return false }
        if let pattern = self.to {
            guard let to, Self.glob(pattern, matches: to) else { return false }
        }
        return true
    }

    /// `*` matches any run of characters; everything else matches itself.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == text }
        guard text.hasPrefix(parts[0]), text.hasSuffix(parts[parts.count - 1]),
            text.count >= parts[0].count + parts[parts.count - 1].count
        else { return false }
        var rest = Substring(text.dropFirst(parts[0].count).dropLast(parts[parts.count - 1].count))
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.firstRange(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }
}

/// The active fault rules. Kept in memory: they are settings of a run (from fixtures or the
/// control API), and "fail the next N" needs an atomic countdown that every request consults.
final class FaultRules: Sendable {
    private struct State {
        var rules: [FaultRule] = []
        var nextID = 1
    }
    private let state = Mutex(State())

    init(_ rules: [FaultRule] = []) {
        for rule in rules { _ = add(rule) }
    }

    var isEmpty: Bool { state.withLock { $0.rules.isEmpty } }

    func add(_ rule: FaultRule) -> FaultRule {
        state.withLock { state in
            var rule = rule
            rule.id = "FR\(state.nextID)"
            state.nextID += 1
            state.rules.append(rule)
            return rule
        }
    }

    func all() -> [FaultRule] { state.withLock { $0.rules } }

    func remove(id: String) -> Bool {
        state.withLock { state in
            let before = state.rules.count
            state.rules.removeAll { $0.id == id }
            return state.rules.count != before
        }
    }

    func removeAll() { state.withLock { $0.rules.removeAll() } }

    /// The first rule matching the request, counting down (and retiring) a limited one.
    func take(endpoint: String, serviceSid: String?, to: String?) -> FaultRule? {
        state.withLock { state in
            guard
                let index = state.rules.firstIndex(where: {
                    $0.matches(endpoint: endpoint, serviceSid: serviceSid, to: to)
                })
            else { return nil }
            let rule = state.rules[index]
            if let times = rule.times {
                if times <= 1 { state.rules.remove(at: index) } else { state.rules[index].times = times - 1 }
            }
            return rule
        }
    }
}

/// Applies fault rules to `/v2` requests, after authentication and before the handlers.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let rules: FaultRules

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard !rules.isEmpty, let (endpoint, serviceSid) = Self.classify(context.requestPath) else {
            return try await next(request, context)
        }
        var request = request
        var to: String?
        if request.method == .post, endpoint == "verifications" || endpoint == "verification_checks" {
            let buffer = try await request.collectBody(upTo: context.maxUploadSize)
            to = (try? FormData(parsing: Array(buffer.readableBytesView)))?["To"]
        }
        guard let rule = rules.take(endpoint: endpoint, serviceSid: serviceSid, to: to) else {
            return try await next(request, context)
        }
        if let latency = rule.latencyMs, latency > 0 {
            try await Task.sleep(for: .milliseconds(latency))
        }
        if let error = rule.twilioError { throw error }
        return try await next(request, context)
    }

    /// The endpoint kind and service SID of a `/v2` path.
    static func classify(_ path: String) -> (String, String?)? {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 2, parts[0] == "v2", parts[1] == "Services" else { return nil }
        let service = parts.count > 2 ? parts[2] : nil
        guard parts.count > 3 else { return ("services", service) }
        switch parts[3] {
        case "Verifications": return (parts.count > 4 ? "verification" : "verifications", service)
        case "VerificationCheck": return ("verification_checks", service)
        case "RateLimits": return ("rate_limits", service)
        default: return nil
        }
    }
}
