import VerifyWire

/// A verification as the control API shows it: everything, code included.
public struct VerificationSummary: Codable, Sendable, Equatable {
    public var sid: String
    public var serviceSid: String
    public var accountSid: String
    public var to: String
    public var channel: String
    /// As decided last, except that a pending verification past its expiry shows `expired`.
    public var status: VerificationStatus
    public var code: String
    public var checkAttempts: Int
    public var sendAttempts: Int
    public var dateCreated: String
    public var dateUpdated: String
    public var expiresAt: String
    /// Seconds until expiry on the emulator clock; 0 once expired or finished.
    public var secondsLeft: Int

    enum CodingKeys: String, CodingKey {
        case sid, to, channel, status, code
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case checkAttempts = "check_attempts"
        case sendAttempts = "send_attempts"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
        case expiresAt = "expires_at"
        case secondsLeft = "seconds_left"
    }
}
