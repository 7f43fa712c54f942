import Logging
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The SMS abuse gate: what stands between a request for a code and a paid Verify send, on the
/// JSON API and the pages alike. In order, for every SMS send:
/// 1. ``checkCountry(_:)``: the number's country must be one `SMS_ALLOWED_COUNTRIES` serves
///    (no database; a 403);
/// 2. the limits (``AbuseLimits/send(to:ip:now:)``), which also count the sends per number
///    prefix (`SEND_LIMIT_PER_PREFIX`) and for the whole service (`SEND_LIMIT_GLOBAL`);
/// 3. ``count(_:now:)``: the country's breaker must be closed; the send is counted, and may open
///    it (one log line, `auth_server_sms_breaker_trips_total`).
/// A code Verify approves is counted back (``verified(_:now:)``): the breaker trips on many
/// sends that are never verified, the signature of SMS pumping.
struct SMSGate: Sendable {
    let settings: SMSGateSettings
    let countries: SMSCountryStore
    let metrics: AuthMetrics
    let logger: Logger

    /// Refuses a number whose country is not served.
    func checkCountry(_ phone: String) throws(SMSRefusal) {
        guard let allowed = settings.allowedCountries else { return }
        let country = PhoneCountry.of(phone)
        guard let country, allowed.contains(country) else { throw refused(.country(country)) }
    }

    /// Counts a send that is about to go to Verify, unless its country's breaker is open.
    func count(_ phone: String, now: Date) async throws {
        let country = Self.country(of: phone)
        switch try await countries.send(to: country, now: now, breaker: settings.breaker) {
        case .breakerOpen(let until):
            let wait = max(1, Int((until - now.timeIntervalSince1970).rounded(.up)))
            throw refused(.breakerOpen(country: country, retryAfter: wait))
        case .counted(let tripped?):
            let cooldown = settings.breaker?.cooldown.components.seconds ?? 0
            let percent = tripped.sends > 0 ? tripped.verified * 100 / tripped.sends : 0
            logger.warning(
                "SMS breaker open for \(country): \(tripped.sends) codes sent in the last hour, \(percent)% verified; sends to \(country) stop for \(cooldown) seconds"
            )
            metrics.smsBreakerTripped(country: country)
        case .counted(nil):
            break
        }
    }

    /// Counts a code to `phone` that Verify approved, written with the next batch of counts (a
    /// failure to write them is logged, never the login's failure).
    func verified(_ phone: String, now: Date) {
        guard settings.breaker != nil, !settings.reviewNumbers.contains(phone) else { return }
        countries.verified(in: Self.country(of: phone), now: now)
    }

    /// The key a number is counted under: its country, or `+` and its calling code.
    static func country(of phone: String) -> String {
        PhoneCountry.of(phone) ?? "+" + (PhoneNumber.callingCode(of: phone) ?? "?")
    }

    private func refused(_ refusal: SMSRefusal) -> SMSRefusal {
        metrics.smsRefused(reason: refusal.reason)
        return refusal
    }
}
