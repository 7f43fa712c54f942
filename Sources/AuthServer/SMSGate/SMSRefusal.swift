import HTTPTypes

/// Why the SMS gate sent no code, before Verify was asked: the number's country is not served,
/// the country's breaker is open (pumping suspected), or a cap on sends was reached.
enum SMSRefusal: Error, Sendable, Equatable {
    /// `country` is nil when the number's calling code names no country this server knows.
    case country(String?)
    case breakerOpen(country: String, retryAfter: Int)
    /// A limit on sends (per number, per IP, per prefix, for the service) was reached.
    case limited(retryAfter: Int)

    /// The message the JSON API and the pages show.
    var message: String {
        switch self {
        case .country(let country?): "Codes are not sent to numbers in \(country)"
        case .country(nil): "Codes are not sent to numbers of this country"
        case .breakerOpen(let country, let wait):
            "Codes to numbers in \(country) are paused; try again in \(wait) seconds"
        case .limited(let wait): "Too many requests; try again in \(wait) seconds"
        }
    }

    /// 403 for a country never served, 429 with `Retry-After` for a pause.
    var status: Int {
        switch self {
        case .country: 403
        case .breakerOpen, .limited: 429
        }
    }

    var retryAfter: Int? {
        switch self {
        case .country: nil
        case .breakerOpen(_, let wait), .limited(let wait): wait
        }
    }

    /// For `auth_server_sms_refused_total{reason}`.
    var reason: String {
        switch self {
        case .country: "country"
        case .breakerOpen: "breaker"
        case .limited: "limit"
        }
    }
}

extension APIError {
    /// The JSON API's answer to a refusal: 403, or 429 with `Retry-After`.
    init(_ refusal: SMSRefusal) {
        self.init(status: HTTPResponse.Status(code: refusal.status), message: refusal.message)
        if let wait = refusal.retryAfter { headers[.retryAfter] = String(wait) }
    }

}

extension FormErrors {
    /// The pages' and the accounts API's answer to a refusal.
    init(_ refusal: SMSRefusal) {
        let message =
            if case .limited(let wait) = refusal { "Too many attempts; try again in \(wait) seconds" } else {
                refusal.message
            }
        self.init(message: message, status: HTTPResponse.Status(code: refusal.status))
        retryAfter = refusal.retryAfter
    }
}
