/// The errors of Entities, Factors and Challenges (Twilio's 603xx codes).
extension TwilioError {
    /// 409/60301: an entity with this identity exists on the service.
    public static func entityExists(_ identity: String) -> TwilioError {
        TwilioError(
            code: 60301, status: 409, message: "Entity already exists",
            hint: "an entity with identity '\(identity)' already exists")
    }

    /// 400/60367: the identity is not 8 to 64 dash-separated letters and digits.
    public static func invalidIdentity(_ identity: String) -> TwilioError {
        TwilioError(
            code: 60367, status: 400, message: "Entity identity is invalid",
            hint: "identity '\(identity)' must be 8 to 64 letters and digits, dash-separated (a UUID, say)")
    }

    /// 400/60306: a factor or challenge request that cannot be read (type, binding, config...).
    public static func invalidFactorRequest(_ parameter: String, hint: String) -> TwilioError {
        TwilioError(code: 60306, status: 400, message: "Invalid parameter: \(parameter)", hint: hint)
    }

    /// 429/60310: too many wrong codes while verifying a factor.
    public static func factorVerificationAttempts() -> TwilioError {
        TwilioError(
            code: 60310, status: 429, message: "Max factor verification attempts reached",
            hint: "5 wrong codes: create a new factor")
    }

    /// 429/60308: too many wrong codes on one challenge.
    public static func challengeAttempts() -> TwilioError {
        TwilioError(
            code: 60308, status: 429, message: "Max challenge attempts reached",
            hint: "5 wrong codes on this challenge: create a new one")
    }

    /// 403/60318: the factor has not been verified yet.
    public static func factorUnverified(_ factor: String) -> TwilioError {
        TwilioError(
            code: 60318, status: 403, message: "Factor is not verified",
            hint: "verify \(factor) with AuthPayload first")
    }

    /// 403/60322: the challenge was approved or denied already.
    public static func challengeResponded(_ status: ChallengeStatus) -> TwilioError {
        TwilioError(
            code: 60322, status: 403, message: "Challenge already responded",
            hint: "the challenge is \(status.rawValue)")
    }

    /// 403/60323: the challenge's expiration date has passed.
    public static func challengeExpired() -> TwilioError {
        TwilioError(code: 60323, status: 403, message: "Challenge expired", hint: "create a new challenge")
    }

    /// 400/60315: the entity has as many factors of this type as Twilio allows.
    public static func tooManyFactors(_ type: FactorType, limit: Int) -> TwilioError {
        TwilioError(
            code: 60315, status: 400, message: "Max factors per entity reached",
            hint: "an entity may have at most \(limit) \(type.rawValue) factors")
    }

    /// 403/60311: a push factor's `AuthPayload` is not the device key's signature of the factor
    /// SID. (Twilio documents 60311 as the factor-verification failure; a wrong TOTP code, by
    /// contrast, answers 200 with the factor still unverified.)
    public static func factorVerificationFailed(hint: String) -> TwilioError {
        TwilioError(code: 60311, status: 403, message: "Factor verification failed", hint: hint)
    }

    /// 403/60324: a push challenge's `AuthPayload` is not a JWT signed by the factor's key over
    /// the challenge's signature fields.
    public static func challengeVerificationFailed(hint: String) -> TwilioError {
        TwilioError(code: 60324, status: 403, message: "Challenge verification failed", hint: hint)
    }

    /// 401/20003 for a device call whose `token:<JWT>` credentials do not hold.
    public static func deviceAuthenticationFailed(hint: String) -> TwilioError {
        TwilioError(
            code: 20003, status: 401, message: "Authenticate",
            detail: "The device's token is invalid or has expired.", hint: hint)
    }

    /// 400/60368: a challenge's `Details` cannot be shown (a push challenge needs a message).
    public static func invalidChallengeDetails(hint: String) -> TwilioError {
        TwilioError(code: 60368, status: 400, message: "Invalid challenge details", hint: hint)
    }
}
