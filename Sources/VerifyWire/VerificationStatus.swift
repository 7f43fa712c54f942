/// Where a verification is in its life, as Twilio reports it in `status`.
///
/// A verification starts `pending`; a right code (or an update) makes it `approved`, an update
/// `canceled`; too many wrong codes `max_attempts_reached`; its code's lifetime passing `expired`.
/// `failed` and `deleted` are Twilio's too, documented for completeness.
///
/// ```swift
/// let check = try await client.checkVerification(serviceSid: sid, to: phone, code: code)
/// if check.status == .approved { … }
/// ```
public enum VerificationStatus: String, Codable, Sendable, CaseIterable {
    case pending
    case approved
    case canceled
    case maxAttemptsReached = "max_attempts_reached"
    case expired
    case failed
    case deleted
}
