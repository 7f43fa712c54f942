import VerifyWire

/// A validated `POST /v2/Services/{VA}/VerificationCheck` form.
struct CheckVerificationRequest: Sendable {
    enum Target: Sendable {
        case recipient(String)
        case verification(SID)
    }
    var code: String
    var target: Target

    init(form: FormData) throws(TwilioError) {
        guard let code = try form.string("Code", required: true) else {
            throw .invalidParameter("Code", hint: "Code is required")
        }
        guard (4...10).contains(code.count) else {
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
