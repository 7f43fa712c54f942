import VerifyWire

/// A `POST /emulator/v1/clock` body: `{"advance_seconds": 601}`, `{"set": "2030-01-01T00:00:00Z"}`,
/// `{"frozen": true}`, any together; with `"account_sid"` they change only that account's clock.
struct ClockChange: Decodable, Sendable {
    var advanceSeconds: Double?
    var set: String?
    var frozen: Bool?
    var accountSid: String?

    enum CodingKeys: String, CodingKey {
        case set, frozen
        case advanceSeconds = "advance_seconds"
        case accountSid = "account_sid"
    }

    /// Applies the change to `clock`. Everything is checked before anything changes, so a
    /// refused change changes nothing.
    func apply(to clock: EmulatorClock, account: SID?) throws(TwilioError) {
        let date = try set.map { text throws(TwilioError) in
            guard let date = TwilioDate.parse(text) else {
                throw TwilioError.invalidParameter("set", hint: "set must be a UTC time like 2030-01-01T00:00:00Z")
            }
            return date
        }
        let advance = try advanceSeconds.map { seconds throws(TwilioError) in
            guard let milliseconds = SettingRanges.clockMilliseconds(seconds) else {
                throw TwilioError.invalidParameter(
                    "advance_seconds",
                    hint: "advance_seconds must be a number of seconds, "
                        + SettingRanges.describe(SettingRanges.clockSeconds))
            }
            return milliseconds
        }
        if let date { clock.set(to: date, frozen: clock.isFrozen(account: account), account: account) }
        if let advance { clock.advance(by: .milliseconds(advance), account: account) }
        if let frozen {
            if frozen { clock.freeze(account: account) } else { clock.resume(account: account) }
        }
    }
}
