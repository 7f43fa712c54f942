/// The channels a verification code is sent on, as the `Channel` parameter names them. Shared
/// by the emulator (which "sends" on each) and ``VerifyClient`` (which asks for one).
///
/// The `channel` of a resource stays a string: Twilio adds channels (`sna`, `auto`, `rbm`) that
/// a client must still be able to read.
public enum VerificationChannel: String, Sendable, CaseIterable {
    case sms, call, email, whatsapp
    /// Silent Network Auth: the phone opens a URL over its mobile data; no code is typed.
    case sna

    /// Whether the recipient is a phone number (everything but email).
    public var isPhone: Bool { self != .email }
}
