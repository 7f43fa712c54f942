import VerifyWire

/// What the SMS abuse gate allows (``SMSGate``): the countries codes go to, caps on sends per
/// number prefix and for the whole service, and the pumping breaker.
///
/// ```
/// SMS_ALLOWED_COUNTRIES=US,CA,GB        # or * for every country
/// SEND_LIMIT_PER_PREFIX=+1876:20,*:500  # per LIMIT_WINDOW; * is each country calling code
/// SEND_LIMIT_GLOBAL=2000                # sends per hour, every number together
/// SMS_BREAKER_MIN_SENDS=100 SMS_BREAKER_MIN_VERIFIED_PERCENT=10 SMS_BREAKER_COOLDOWN=3600
/// ```
public struct SMSGateSettings: Sendable, Equatable {
    /// The ISO 3166 countries codes go to; nil for every country.
    public var allowedCountries: Set<String>?
    /// Whether every country was chosen (`*`) rather than left unset.
    public var everyCountryChosen = false
    /// `SEND_LIMIT_PER_PREFIX`: sends per LIMIT_WINDOW to the numbers under each prefix.
    public var prefixLimits: [PrefixLimit] = []
    /// `SEND_LIMIT_GLOBAL`: sends per hour to every number together; nil for no cap.
    public var globalPerHour: Int?
    /// The pumping breaker; nil when `SMS_BREAKER=off`.
    public var breaker: Breaker? = Breaker()
    /// Numbers with a fixed code that never reach Twilio (`TEST_PHONE_NUMBERS`).
    public var reviewNumbers = ReviewNumbers()
    /// How often each replica writes the breaker's counts and reads its figures
    /// (``SMSCountryTally``): not a setting, as it only trades statements for how soon replicas
    /// see each other's counts; tests lengthen it to see what waits.
    public var countInterval: Duration = .milliseconds(100)

    public init() {}

    /// A cap on the sends to the numbers that start with `prefix` (`+1876`), or with their own
    /// country calling code when `prefix` is nil (`*`).
    public struct PrefixLimit: Sendable, Equatable {
        public var prefix: String?
        public var limit: Int

        /// The key `phone` is counted under, when this cap applies to it.
        func key(for phone: String) -> String? {
            guard let prefix else { return PhoneNumber.callingCode(of: phone).map { "+" + $0 } }
            return phone.hasPrefix(prefix) ? prefix : nil
        }
    }

    /// When a country's sends in the last hour reach ``minSends`` while under
    /// ``minVerifiedPercent`` of them were verified (the signature of SMS pumping), sends to it
    /// stop for ``cooldown``.
    public struct Breaker: Sendable, Equatable {
        public var minSends = 100
        public var minVerifiedPercent = 10
        public var cooldown: Duration = .seconds(3600)
    }

    /// Reads the gate's settings; `value` gives a setting's text (nil when unset).
    static func read(_ value: (String) -> String?) throws(AuthConfiguration.Invalid) -> SMSGateSettings {
        var settings = SMSGateSettings()
        if value("SMS_ALLOWED_COUNTRIES") == "*" { settings.everyCountryChosen = true }
        if let text = value("SMS_ALLOWED_COUNTRIES"), text != "*" {
            var countries = Set<String>()
            for item in text.split(separator: ",") {
                let code = String(item.trimmingWhitespace()).uppercased()
                guard code.utf8.count == 2, PhoneCountry.known.contains(code) else {
                    throw AuthConfiguration.Invalid(
                        setting: "SMS_ALLOWED_COUNTRIES",
                        problem:
                            "'\(item)' is not an ISO 3166 country code this server knows (two letters, as US or GB), nor *"
                    )
                }
                countries.insert(code)
            }
            settings.allowedCountries = countries
        }
        if let text = value("SEND_LIMIT_PER_PREFIX") {
            for item in text.split(separator: ",") {
                let parts = item.trimmingWhitespace().split(separator: ":")
                guard parts.count == 2, let limit = Int(parts[1]), (1...10_000_000).contains(limit),
                    parts[0] == "*"
                        || (parts[0].hasPrefix("+") && parts[0].count >= 2
                            && parts[0].dropFirst().allSatisfy(\.isWholeNumber))
                else {
                    throw AuthConfiguration.Invalid(
                        setting: "SEND_LIMIT_PER_PREFIX",
                        problem: "'\(item)' is not PREFIX:COUNT (as +1876:20, or *:500 for each country calling code)")
                }
                settings.prefixLimits.append(
                    PrefixLimit(prefix: parts[0] == "*" ? nil : String(parts[0]), limit: limit))
            }
        }
        settings.globalPerHour = try value("SEND_LIMIT_GLOBAL").map { text throws(AuthConfiguration.Invalid) in
            try AuthConfiguration.number(text, "SEND_LIMIT_GLOBAL", default: 0, range: 1...100_000_000)
        }
        switch value("SMS_BREAKER") {
        case nil, "on", "1": break
        case "off", "0": settings.breaker = nil
        default: throw AuthConfiguration.Invalid(setting: "SMS_BREAKER", problem: "must be on or off")
        }
        if settings.breaker != nil {
            settings.breaker?.minSends = try AuthConfiguration.number(
                value("SMS_BREAKER_MIN_SENDS"), "SMS_BREAKER_MIN_SENDS", default: 100, range: 1...10_000_000)
            settings.breaker?.minVerifiedPercent = try AuthConfiguration.number(
                value("SMS_BREAKER_MIN_VERIFIED_PERCENT"), "SMS_BREAKER_MIN_VERIFIED_PERCENT", default: 10,
                range: 0...100)
            settings.breaker?.cooldown = .seconds(
                try AuthConfiguration.number(
                    value("SMS_BREAKER_COOLDOWN"), "SMS_BREAKER_COOLDOWN", default: 3600, range: 1...604_800))
        }
        settings.reviewNumbers = try ReviewNumbers.read(value)
        return settings
    }

    static let settingNames = [
        "TEST_PHONE_NUMBERS", "ALLOW_REAL_TEST_NUMBERS",
        "SMS_ALLOWED_COUNTRIES", "SEND_LIMIT_PER_PREFIX", "SEND_LIMIT_GLOBAL", "SMS_BREAKER", "SMS_BREAKER_MIN_SENDS",
        "SMS_BREAKER_MIN_VERIFIED_PERCENT", "SMS_BREAKER_COOLDOWN",
    ]
}
