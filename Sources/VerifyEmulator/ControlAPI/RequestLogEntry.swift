import VerifyWire

/// One Twilio API request as the emulator's request log shows it.
public struct RequestLogEntry: Codable, Sendable, Equatable {
    /// The `Twilio-Request-Id` the response carried (`RQ…`).
    public var requestId: String
    public var method: String
    public var path: String
    public var status: Int
    /// Twilio's error code, for failures.
    public var errorCode: Int?
    /// Why it failed, in one line (e.g. "To is not E.164: missing leading +").
    public var hint: String?
    /// The recipient a verification or check named (`To`), as sent.
    public var to: String?
    /// On the emulator's clock.
    public var date: String
    public var durationMs: Double

    enum CodingKeys: String, CodingKey {
        case method, path, status, hint, date, to
        case requestId = "request_id"
        case errorCode = "error_code"
        case durationMs = "duration_ms"
    }
}
