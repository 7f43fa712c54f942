import VerifyWire

/// A validated `POST /v2/Services/{VA}/VerificationCheck` form.
struct CheckVerificationRequest: Sendable {
    enum Target: Sendable {
        case recipient(String)
        case verification(SID)
    }
    /// Nil for an SNA check, which has no code.
    var code: String?
    var target: Target

    init(form: FormData) throws(TwilioError) {
        let code = try form.string("Code")
        if let code, !(4...10).contains(code.count) {
            throw .invalidParameter("Code", hint: "Code must be 4 to 10 characters, got \(code.count)")
        }
        self.code = code
        if let sid = try form.sid("VerificationSid", .verification) {
            target = .verification(sid)
        } else if let to = try form.string("To") {
            target = .recipient(to)
        } else {
            throw .invalidParameter("To", hint: "either To or VerificationSid is required")
        }
    }
}
