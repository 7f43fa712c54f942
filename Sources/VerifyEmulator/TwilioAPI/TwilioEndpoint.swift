/// The families of Twilio operations the emulator answers, named once: the router tags every
/// route with one (``TwilioRoutes/add(_:endpoint:get:post:delete:)``), and fault rules match a
/// request by it (``FaultRule/endpoint``), so neither parses the path again.
///
/// The raw values are the names fault rules use in JSON (`"endpoint": "verification_checks"`).
public enum TwilioEndpoint: String, Codable, Sendable, CaseIterable {
    /// `/v2/Services` and `/v2/Services/{VA}`.
    case services
    /// Starting a verification: `POST /v2/Services/{VA}/Verifications`.
    case verifications
    /// One verification: fetch or update `/v2/Services/{VA}/Verifications/{VE}`.
    case verification
    /// Checking a code: `POST /v2/Services/{VA}/VerificationCheck`.
    case verificationChecks = "verification_checks"
    /// Programmable Rate Limits and their buckets under `/v2/Services/{VA}/RateLimits`.
    case rateLimits = "rate_limits"
    /// Entities under `/v2/Services/{VA}/Entities`.
    case entities
    /// An entity's factors: `/v2/Services/{VA}/Entities/{Identity}/Factors`.
    case factors
    /// An entity's challenges: `/v2/Services/{VA}/Entities/{Identity}/Challenges`.
    case challenges
    /// A push challenge's notifications: `…/Challenges/{YC}/Notifications`.
    case notifications
    /// A service's webhooks: `/v2/Services/{VA}/Webhooks`.
    case webhooks
    /// Verify Passkeys: `/v2/Services/{VA}/Passkeys/…`.
    case passkeys
    /// The account's safe list: `/v2/SafeList/Numbers`.
    case safeList = "safe_list"
    /// A service's per-country Messaging Services: `/v2/Services/{VA}/MessagingConfigurations`.
    case messagingConfigurations = "messaging_configurations"
    /// `/v2/Forms/{FormType}`.
    case forms
    /// Verification Attempts: `/v2/Attempts`, `/v2/Attempts/{VL}`, `/v2/Attempts/Summary`.
    case attempts
    /// The template catalogue: `/v2/Templates`.
    case templates
    /// Push enrolment tokens: `/v2/Services/{VA}/AccessTokens`.
    case accessTokens = "access_tokens"
}
