import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Numbers that log in with a fixed code and never reach Twilio (`TEST_PHONE_NUMBERS`): for App
/// Store and Play reviewers, demos and uptime probes. The limits per number and per IP still
/// apply; the spend caps and the breaker do not, as nothing is spent.
///
/// ```
/// TEST_PHONE_NUMBERS=+15555550100:424242,+447700900123:135790
/// ```
///
/// A number that could be someone's real phone is refused unless `ALLOW_REAL_TEST_NUMBERS=1`:
/// its owner could not receive codes, and anyone knowing the code could sign in as them.
public struct ReviewNumbers: Sendable, Equatable {
    /// The fixed code of each number (E.164).
    public var codes: [String: String] = [:]

    public init() {}

    public var numbers: [String] { codes.keys.sorted() }

    /// Whether `phone` (E.164) is a review number.
    func contains(_ phone: String) -> Bool { codes[phone] != nil }

    /// Whether `code` is `phone`'s code; nil when `phone` is not a review number. Compared in
    /// constant time.
    func accepts(_ code: String, for phone: String) -> Bool? {
        guard let expected = codes[phone] else { return nil }
        let given = SHA256.hash(data: Data(code.utf8))
        let wanted = SHA256.hash(data: Data(expected.utf8))
        return given == wanted
    }

    /// Whether `phone` is in a range set aside for fiction and tests, which no one can own:
    /// North America's 555-0100 to 555-0199 (any area code), Twilio's magic test numbers
    /// (+1 500 555 0xxx), the United Kingdom's drama ranges (07700 900xxx, 020 7946 0xxx,
    /// 01632 960xxx) and France's (06 39 98 xx xx).
    static func isFictional(_ phone: String) -> Bool {
        let digits = phone.dropFirst()
        if digits.hasPrefix("1"), digits.count == 11 {
            let local = digits.dropFirst(4)
            return local.hasPrefix("55501") || digits.hasPrefix("15005550")
        }
        return ["447700900", "442079460", "441632960", "3363998"].contains { digits.hasPrefix($0) }
    }

    static func read(_ value: (String) -> String?) throws(AuthConfiguration.Invalid) -> ReviewNumbers {
        var numbers = ReviewNumbers()
        guard let text = value("TEST_PHONE_NUMBERS") else { return numbers }
        let allowReal: Bool
        switch value("ALLOW_REAL_TEST_NUMBERS") {
        case nil, "0", "false": allowReal = false
        case "1", "true": allowReal = true
        default: throw AuthConfiguration.Invalid(setting: "ALLOW_REAL_TEST_NUMBERS", problem: "must be 1 or 0")
        }
        for item in text.split(separator: ",") {
            let parts = item.trimmingWhitespace().split(separator: ":")
            guard parts.count == 2,
                (4...10).contains(parts[1].count), parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
            else {
                throw AuthConfiguration.Invalid(
                    setting: "TEST_PHONE_NUMBERS",
                    problem: "'\(item)' is not NUMBER:CODE (as +15555550100:424242; the code 4 to 10 letters or digits)"
                )
            }
            let number: String
            do {
                number = try PhoneNumber.normalize(String(parts[0]))
            } catch {
                throw AuthConfiguration.Invalid(setting: "TEST_PHONE_NUMBERS", problem: "'\(parts[0])': \(error)")
            }
            guard allowReal || isFictional(number) else {
                throw AuthConfiguration.Invalid(
                    setting: "TEST_PHONE_NUMBERS",
                    problem:
                        "\(number) is not in a fictional range (as +1 NXX 555 01XX or +44 7700 900XXX), so it could be someone's phone; use one that is, or set ALLOW_REAL_TEST_NUMBERS=1"
                )
            }
            numbers.codes[number] = String(parts[1])
        }
        return numbers
    }
}
