import Hummingbird
import Logging
import VerifyClient
import VerifyWire

/// Twilio's errors as clear client errors; our own credentials or Twilio's internals never
/// reach the client.
func verifyFailure(_ error: VerifyClientError, during step: String, logger: Logger) -> APIError {
    switch error {
    case .timeout:
        logger.warning("Twilio Verify timed out during \(step)")
        return APIError(status: .gatewayTimeout, message: "The verification service did not answer in time")
    case .transport, .invalidResponse:
        logger.warning("Twilio Verify unreachable during \(step): \(error)")
        return APIError(status: .badGateway, message: "The verification service is unavailable")
    case .twilio(let twilio):
        switch twilio.code {
        case 60200, 60436: return .badRequest("Invalid phone number")
        case 60205: return .badRequest("This number cannot receive SMS (landline)")
        case 60410:
            return APIError(status: .forbidden, message: "This number cannot receive verification codes")
        case 60202:
            // a new code may be requested at once; only this verification is used up
            return APIError(
                status: .tooManyRequests, message: "Too many attempts; request a new code",
                headers: [.retryAfter: String(RetryAfter.newCode)])
        case 60203, 60212, 20429:
            return APIError(
                status: .tooManyRequests, message: "Too many verification requests; try again later",
                headers: [.retryAfter: String(RetryAfter.seconds(forTwilioCode: twilio.code))])
        case 20404 where step == "check":
            return .badRequest("The code has expired or was already used; request a new code")
        default:
            logger.error("Twilio Verify error \(twilio.code) (HTTP \(twilio.status)) during \(step)")
            return APIError(status: .badGateway, message: "The verification service failed")
        }
    }
}

/// `Retry-After` for Twilio's 429s, which carry none of their own: every 429 this server answers
/// says when to try again.
enum RetryAfter {
    /// After too many wrong codes: a new code can be asked for straight away.
    static let newCode = 1

    /// 60203 (too many sends to one number) lasts Twilio's 10-minute send window; 60212 (too
    /// many concurrent requests) and 20429 (a rate limit) a minute.
    static func seconds(forTwilioCode code: Int) -> Int {
        code == 60203 ? 600 : 60
    }
}
