import Hummingbird

/// An error answered as JSON: `{"message": …}`, and for a refused bearer token also `msg` (as
/// flask-jwt-extended clients read it) with a `WWW-Authenticate: Bearer` challenge. Never
/// carries upstream credentials or internals.
///
/// ```swift
/// throw APIError.badRequest("The code is 4 to 10 letters or digits")
/// ```
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String
    var headers: HTTPFields = [:]
    /// Whether the body repeats the message as `msg` (bearer-token refusals).
    var repeatsAsMsg = false
    /// For a refused bearer token: why, for `auth_server_tokens_refused_total`.
    var refusal: TokenRefusal.Reason?

    init(status: HTTPResponse.Status, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    static func badRequest(_ message: String) -> APIError { APIError(status: .badRequest, message: message) }

    static func unauthorized(_ refusal: TokenRefusal) -> APIError {
        var error = APIError(status: .unauthorized, message: refusal.message, headers: [.wwwAuthenticate: "Bearer"])
        error.repeatsAsMsg = true
        error.refusal = refusal.reason
        return error
    }

    /// A 401 that is not about a bearer token's own content (a refresh token, a missing account).
    static func unauthorized(_ message: String) -> APIError {
        var error = APIError(status: .unauthorized, message: message, headers: [.wwwAuthenticate: "Bearer"])
        error.repeatsAsMsg = true
        return error
    }

    var body: ErrorBody { ErrorBody(message: message, msg: repeatsAsMsg ? message : nil) }
}

/// Every JSON error body: the message, `msg` for token refusals, and per-field messages for a
/// refused form (``FormErrors``).
struct ErrorBody: Encodable, Sendable {
    var message: String
    var msg: String?
    var errors: [String: String]?
}
