import VerifyWire

/// A code is on its way: `{"message", "status": "pending"}` (and the masked number where the
/// client did not just type it).
struct CodeSent: Encodable, Sendable {
    var message: String
    var status = VerificationStatus.pending
    var phoneNumber: String?
}

/// A wrong code: `{"message", "authenticated": false, "status"}` with the verification's status.
struct CodeRefused: Encodable, Sendable {
    var message = "Invalid verification code"
    var authenticated = false
    var status: VerificationStatus
}

/// `GET /api/auth/protected`: whom the token names.
struct ProtectedRoute: Encodable, Sendable {
    var message = "This is a protected route"
    var phoneNumber: String?
    var accountSid: String?
    var username: String?

    /// The body as ``JSONResponse`` encodes it (keys snake_case, sorted), written by hand since
    /// this answers every protected request.
    var json: [UInt8] {
        JSONWriter.object([
            ("account_sid", accountSid), ("message", message), ("phone_number", phoneNumber), ("username", username),
        ])
    }
}
