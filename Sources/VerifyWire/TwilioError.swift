/// A Twilio REST error: the HTTP status plus Twilio's numeric code and message, rendered as
/// Twilio's JSON error body. The emulator throws it; the client decodes it.
///
/// ```swift
/// throw TwilioError.invalidParameter("To", hint: "To is not E.164: missing leading +")
/// ```
public struct TwilioError: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var status: Int
    public var moreInfo: String
    /// Extra human text some Twilio errors carry (20003 does).
    public var detail: String?
    /// Why this request failed, in one line, for logs and the emulator's request log.
    /// Not part of Twilio's body.
    public var hint: String?
    /// For a 429: whole seconds until a retry can succeed (the `Retry-After` header).
    public var retryAfter: Int?
    /// For a 429: the name of the limit reached (the `Twilio-Reached-Rate-Limit` header).
    public var reachedRateLimit: String?

    public init(code: Int, status: Int, message: String, detail: String? = nil, hint: String? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.moreInfo = "https://www.twilio.com/docs/errors/\(code)"
        self.detail = detail
        self.hint = hint
    }

    public var description: String {
        "HTTP \(status) Twilio error \(code): \(message)" + (hint.map { " (\($0))" } ?? "")
    }

    enum CodingKeys: String, CodingKey {
        case code, message, status, detail
        case moreInfo = "more_info"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.code = try container.decode(Int.self, forKey: .code)
        self.status = try container.decode(Int.self, forKey: .status)
        self.message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
        self.moreInfo =
            try container.decodeIfPresent(String.self, forKey: .moreInfo)
            ?? "https://www.twilio.com/docs/errors/\(code)"
        self.detail = try container.decodeIfPresent(String.self, forKey: .detail)
        self.hint = nil
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .message)
        try container.encode(moreInfo, forKey: .moreInfo)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(detail, forKey: .detail)
    }
}

extension TwilioError {
    /// 401/20003, with the body Twilio sends for wrong or missing credentials.
    public static func authenticationFailed(hint: String) -> TwilioError {
        TwilioError(
            code: 20003, status: 401, message: "Authenticate",
            detail: "Your AccountSid or AuthToken was incorrect.", hint: hint)
    }

    /// 404/20404 for a path that names no resource (also finished verifications).
    public static func notFound(_ path: String, hint: String? = nil) -> TwilioError {
        TwilioError(
            code: 20404, status: 404, message: "The requested resource \(path) was not found", hint: hint)
    }

    /// 405/20004 for a known path called with a method it does not support.
    public static func methodNotAllowed(_ method: String, _ path: String) -> TwilioError {
        TwilioError(
            code: 20004, status: 405, message: "Method not allowed",
            hint: "\(method) is not supported on \(path)")
    }

    /// 400/60200: a parameter is missing or invalid; the message names it.
    public static func invalidParameter(_ name: String, hint: String) -> TwilioError {
        TwilioError(code: 60200, status: 400, message: "Invalid parameter: \(name)", hint: hint)
    }

    /// 429/60202: the verification has used all of its check attempts.
    public static func maxCheckAttempts(hint: String? = nil) -> TwilioError {
        TwilioError(code: 60202, status: 429, message: "Max check attempts reached", hint: hint)
    }

    /// 429/60203: too many codes sent to one recipient in the send window.
    public static func maxSendAttempts(hint: String? = nil) -> TwilioError {
        TwilioError(code: 60203, status: 429, message: "Max send attempts reached", hint: hint)
    }

    /// 400/60204: `CustomCode` used on a service without `custom_code_enabled`.
    public static func customCodeNotAllowed() -> TwilioError {
        TwilioError(
            code: 60204, status: 400, message: "Custom code not allowed",
            hint: "the service's custom_code_enabled is false; update it with CustomCodeEnabled=true")
    }

    /// 400/20001: the request body could not be read as a form.
    public static func malformedBody(hint: String) -> TwilioError {
        TwilioError(code: 20001, status: 400, message: "Unable to parse request body", hint: hint)
    }

    /// 413/20001: the body is larger than the emulator accepts.
    public static func bodyTooLarge(limit: Int) -> TwilioError {
        TwilioError(
            code: 20001, status: 413, message: "Request body too large",
            hint: "request bodies are limited to \(limit) bytes")
    }

    /// 500/20500: an unexpected failure inside the emulator.
    public static func internalError(hint: String) -> TwilioError {
        TwilioError(code: 20500, status: 500, message: "Internal Server Error", hint: hint)
    }
}

extension TwilioError {
    /// 400/21481: a `PageToken` that is malformed or was made for another list (other path or
    /// other filters), as Twilio answers one it did not write for this list.
    public static func invalidPageToken(hint: String) -> TwilioError {
        TwilioError(code: 21481, status: 400, message: "Invalid PageToken", hint: hint)
    }
}
