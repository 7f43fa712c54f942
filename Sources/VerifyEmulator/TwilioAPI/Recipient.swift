import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Checks of recipient addresses, each returning why an address is refused (nil when fine).
enum Recipient {
    /// E.164: `+`, a non-zero first digit, 8 to 15 digits in all, nothing else.
    static func e164Problem(_ text: String) -> String? {
        guard text.hasPrefix("+") else { return "missing leading +" }
        let digits = text.utf8.dropFirst()
        guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return "only digits may follow +"
        }
        guard digits.first != UInt8(ascii: "0") else { return "country code cannot start with 0" }
        guard (8...15).contains(digits.count) else { return "\(digits.count) digits; E.164 numbers have 8 to 15" }
        return nil
    }

    static func emailProblem(_ text: String) -> String? {
        guard text.count <= 254 else { return "longer than 254 characters" }
        guard !text.contains(where: { $0.isWhitespace }) else { return "contains whitespace" }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return "needs exactly one @ with a name before it" }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix(".") else {
            return "domain '\(domain)' is not a host name"
        }
        return nil
    }
}
