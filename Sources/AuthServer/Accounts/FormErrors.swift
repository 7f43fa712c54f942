import Hummingbird

/// Why an account action was refused: messages next to named form fields and/or one general
/// message. The web pages show them beside the fields; the JSON API returns
/// `{"message": …, "errors": {field: message}}` with ``status``.
struct FormErrors: Error, Sendable, Equatable {
    var fields: [String: String] = [:]
    var message: String?
    var status: HTTPResponse.Status = .badRequest
    var retryAfter: Int?

    init(fields: [String: String] = [:], message: String? = nil, status: HTTPResponse.Status = .badRequest) {
        self.fields = fields
        self.message = message
        self.status = status
    }

    static func field(_ name: String, _ message: String) -> FormErrors { FormErrors(fields: [name: message]) }

    /// The general message, or a summary when only fields failed.
    var summary: String { message ?? "Please correct the highlighted fields" }
}
