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

    /// The body as ``JSONResponse`` encodes it (keys snake_case and sorted, a nil left out),
    /// written with VerifyWire's ``JSONWriter`` since this answers every protected request.
    var json: [UInt8] {
        var json = JSONWriter(capacity: 128)
        json.objectStart()
        if let accountSid { json.field("account_sid", accountSid) }
        json.field("message", message)
        if let phoneNumber { json.field("phone_number", phoneNumber) }
        if let username { json.field("username", username) }
        json.objectEnd()
        return json.bytes
    }
}
