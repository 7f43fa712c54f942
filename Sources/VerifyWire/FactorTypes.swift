/// A factor's kind: `push`, `totp` or `passkeys` (`factor_enum_factor_types`).
public enum FactorType: String, Codable, Sendable, CaseIterable {
    case push, totp, passkeys
}

/// A factor's state: `unverified` until its first code (TOTP) or signature (push) is accepted.
public enum FactorStatus: String, Codable, Sendable, CaseIterable {
    case unverified, verified
}

/// The HMAC a TOTP factor's codes use (`new_factor_enum_totp_algorithms`).
public enum TOTPAlgorithm: String, Codable, Sendable, CaseIterable {
    case sha1, sha256, sha512
}

/// A challenge's state (`challenge_enum_challenge_statuses`).
public enum ChallengeStatus: String, Codable, Sendable, CaseIterable {
    case pending, expired, approved, denied
}

/// Why a challenge is in its state (`challenge_enum_challenge_reasons`).
public enum ChallengeReason: String, Codable, Sendable, CaseIterable {
    case none
    case notNeeded = "not_needed"
    case notRequested = "not_requested"
}

/// Where a push factor's notifications go (`new_factor_enum_notification_platforms`): Apple's
/// APNs, Firebase, or nowhere (the app polls its challenges).
public enum NotificationPlatform: String, Codable, Sendable, CaseIterable {
    case apn, fcm, none
}
