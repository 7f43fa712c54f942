/// A second step after the password. The raw values are the JSON API's `methods` names.
enum SecondFactor: String, Sendable, Codable, CaseIterable {
    /// A code from an authenticator app (a Verify TOTP factor).
    case totp
    /// A code sent by SMS (Verify's sms channel) to the confirmed number.
    case sms
    /// An approval on the user's phone (a Verify Push factor), where the deployment turns it on.
    case push

    /// How a page names it.
    var title: String {
        switch self {
        case .totp: "Authenticator app"
        case .sms: "Text message"
        case .push: "Approval on your phone"
        }
    }
}

/// How a second step is proven: a factor's code, or one of the account's recovery codes.
enum SecondFactorProof: Sendable, Equatable {
    case factor(SecondFactor)
    case recovery

    /// `method` as the JSON API and the forms name it: `totp`, `sms`, `push` or `recovery`.
    init?(method: String) {
        if method == "recovery" {
            self = .recovery
        } else if let factor = SecondFactor(rawValue: method) {
            self = .factor(factor)
        } else {
            return nil
        }
    }

    var method: String {
        switch self {
        case .factor(let factor): factor.rawValue
        case .recovery: "recovery"
        }
    }

    /// A password and this proof, as RFC 8176 method references (an ID token's `amr`): `otp`
    /// for an authenticator app's or a recovery code, `sms`, `swk` for a push approval (a key
    /// held by the phone's app), and `mfa` as two were used.
    var methodReferences: [String] {
        switch self {
        case .factor(.totp), .recovery: ["pwd", "otp", "mfa"]
        case .factor(.sms): ["pwd", "sms", "mfa"]
        case .factor(.push): ["pwd", "swk", "mfa"]
        }
    }
}
