import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The emulator's parsers of untrusted input, each callable with arbitrary bytes, for the
/// coverage-guided fuzzer (`scripts/fuzz.sh`) and for replaying its corpus as regression tests.
/// Each must return (or throw a refusal) for every input: a crash or a hang is a bug.
///
/// ```swift
/// FuzzEntryPoints.twilioForm(Array("To=%2B1500&Channel=sms".utf8))
/// ```
public enum FuzzEntryPoints {
    /// A Twilio API form body (or query string): parsed, then read as every request the API takes.
    public static func twilioForm(_ bytes: [UInt8]) {
        guard let form = try? FormData(parsing: bytes) else { return }
        _ = try? StartVerificationRequest(form: form)
        _ = try? CheckVerificationRequest(form: form)
        _ = try? ServiceParameters(form: form, creating: true)
        _ = try? ServiceParameters(form: form, creating: false)
        _ = try? PageRequest(query: form, list: .attempts, path: "/v2/Attempts")
        if let wait = form["wait"] { _ = try? ControlAPI.parseWait(wait) }
        if let limits = form["RateLimits"] { _ = try? StartVerificationRequest.parseRateLimits(limits) }
        // what the client writes, the emulator reads back unchanged
        precondition((try? FormData(parsing: form.encoded)) == form, "form encoding does not round-trip")
    }

    /// A control-API JSON body, read as each body the control API takes, and applied where that
    /// touches nothing but a throwaway clock; and as a fixtures file.
    public static func controlBody(_ bytes: [UInt8]) {
        if let change = try? ControlBody.decode(ClockChange.self, from: bytes, accepts: AcceptedKeys.clockChange) {
            let clock = EmulatorClock()
            try? change.apply(to: clock, account: change.accountSid.flatMap { SID($0, expecting: .account) })
            _ = TwilioDate.format(clock.now())
        }
        if let rule = try? ControlBody.decode(FixedCode.self, from: bytes, accepts: AcceptedKeys.fixedCode) {
            _ = rule.problem
        }
        if let rule = try? ControlBody.decode(FaultRule.self, from: bytes, accepts: AcceptedKeys.faultRule) {
            _ = rule.problem
            _ = FaultRules([rule]).all()
        }
        if let fixtures = try? Fixtures.parse(Data(bytes), source: "fuzz.json") {
            var configuration = EmulatorConfiguration()
            configuration.add(fixtures)
            _ = configuration.problem
        }
    }

    /// A date as Twilio writes them (`2030-01-01T00:00:00Z`), as the clock API and fixtures read it.
    public static func twilioDate(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let date = TwilioDate.parse(text) {
            _ = TwilioDate.format(date)
            _ = TwilioDate.format(epochSeconds: Int64(date.timeIntervalSince1970.rounded(.down)))
        }
    }
}
