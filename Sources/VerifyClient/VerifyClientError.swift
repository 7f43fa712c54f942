import VerifyWire

/// How a Verify call failed.
public enum VerifyClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Twilio (or the emulator) answered with its error body: `code`, `message`, `status`.
    case twilio(TwilioError)
    /// No answer within the configured timeout.
    case timeout
    /// The connection failed (refused, reset, TLS, …).
    case transport(String)
    /// An answer that is not Twilio's JSON (a proxy's error page, a redirect, …).
    case invalidResponse(status: Int, body: String)

    public var description: String {
        switch self {
        case .twilio(let error): "Twilio error \(error.code) (HTTP \(error.status)): \(error.message)"
        case .timeout: "Twilio Verify did not answer in time"
        case .transport(let detail): "could not reach Twilio Verify: \(detail)"
        case .invalidResponse(let status, let body):
            "unexpected answer from Twilio Verify (HTTP \(status)): \(body.prefix(200))"
        }
    }

    /// Twilio's error code, when Twilio answered.
    public var code: Int? {
        if case .twilio(let error) = self { return error.code }
        return nil
    }
}
