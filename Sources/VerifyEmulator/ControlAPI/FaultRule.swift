import VerifyWire

/// A fault injection rule: requests it matches get a chosen Twilio error, extra latency, or
/// both, for ever or for the next `times` matches only.
///
/// ```json
/// {"endpoint": "verifications", "to": "+1500555000*", "error": {"code": 60410}, "times": 1}
/// ```
public struct FaultRule: Codable, Sendable, Equatable {
    /// Which operation; nil (`"any"` in JSON, the default) for every one.
    public var endpoint: TwilioEndpoint?
    /// An `endpoint` in JSON that names no operation, kept to be named by ``problem``.
    private var unknownEndpoint: String?
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
    /// Whether the rule plays Fraud Guard, so numbers on the safe list pass it; by default, the
    /// rules answering 60410.
    public var fraudGuard: Bool?

    /// Whether the rule plays Fraud Guard (see ``fraudGuard``).
    public var isFraudGuard: Bool { fraudGuard ?? (error?.code == 60410) }

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
        endpoint: TwilioEndpoint? = nil, serviceSid: String? = nil, to: String? = nil, error: FaultError? = nil,
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
        case fraudGuard = "fraud_guard"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let endpointName = try c.decodeIfPresent(String.self, forKey: .endpoint) ?? Self.anyEndpoint
        endpoint = TwilioEndpoint(rawValue: endpointName)
        if endpoint == nil, endpointName != Self.anyEndpoint { unknownEndpoint = endpointName }
        serviceSid = try c.decodeIfPresent(String.self, forKey: .serviceSid)
        to = try c.decodeIfPresent(String.self, forKey: .to)
        error = try c.decodeIfPresent(FaultError.self, forKey: .error)
        latencyMs = try c.decodeIfPresent(Int.self, forKey: .latencyMs)
        times = try c.decodeIfPresent(Int.self, forKey: .times)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        fraudGuard = try c.decodeIfPresent(Bool.self, forKey: .fraudGuard)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(endpoint?.rawValue ?? Self.anyEndpoint, forKey: .endpoint)
        try c.encodeIfPresent(serviceSid, forKey: .serviceSid)
        try c.encodeIfPresent(to, forKey: .to)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encodeIfPresent(latencyMs, forKey: .latencyMs)
        try c.encodeIfPresent(times, forKey: .times)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encodeIfPresent(fraudGuard, forKey: .fraudGuard)
    }

    /// The JSON name of "every endpoint".
    static let anyEndpoint = "any"
    static let endpointNames = [anyEndpoint] + TwilioEndpoint.allCases.map(\.rawValue)

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
        60540: (400, "Invalid number for Silent Network Auth"),
        60436: (400, "Recipient invalid or not provided"),
    ]

    /// Twilio's error for one of the ``knownErrors`` codes.
    static func knownError(_ code: Int) -> TwilioError? {
        knownErrors[code].map { TwilioError(code: code, status: $0.status, message: $0.message) }
    }

    /// Why the rule is unusable, or nil.
    public var problem: String? {
        if unknownEndpoint != nil {
            return "endpoint must be one of \(Self.endpointNames.joined(separator: ", "))"
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

    func matches(endpoint: TwilioEndpoint, serviceSid: String?, to: String?, safeListed: Bool = false) -> Bool {
        if safeListed, isFraudGuard { return false }
        if let wanted = self.endpoint, wanted != endpoint { return false }
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
