/// The delivery channels the emulator "sends" on.
enum VerificationChannel: String, Sendable, CaseIterable {
    case sms, call, email, whatsapp

    var isPhone: Bool { self != .email }
}
