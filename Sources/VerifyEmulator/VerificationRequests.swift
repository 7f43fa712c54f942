import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The delivery channels the emulator "sends" on.
enum VerificationChannel: String, Sendable, CaseIterable {
    case sms, call, email, whatsapp

    var isPhone: Bool { self != .email }
}

/// A validated `POST /v2/Services/{VA}/Verifications` form.
struct StartVerificationRequest: Sendable {
    var to: String
    var channel: VerificationChannel
    var customFriendlyName: String?
    var customCode: String?
    var locale: String?
    var amount: String?
    var payee: String?
    var appHash: String?
    /// `RateLimits`: unique name of a rate limit -> the value to count against it.
    var rateLimits: [String: String] = [:]

    init(form: FormData) throws(TwilioError) {
        guard let channelText = try form.string("Channel", required: true) else {
            throw .invalidParameter("Channel", hint: "Channel is required")
        }
        guard let channel = VerificationChannel(rawValue: channelText) else {
            throw .invalidParameter(
                "Channel",
                hint:
                    "Channel '\(channelText)' is not one of \(VerificationChannel.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        guard let to = try form.string("To", required: true) else {
            throw .invalidParameter("To", hint: "To is required")
        }
        if channel.isPhone {
            if let problem = Recipient.e164Problem(to) {
                throw .invalidParameter("To", hint: "To is not E.164: \(problem)")
            }
        } else if let problem = Recipient.emailProblem(to) {
            throw .invalidParameter("To", hint: "To is not an email address: \(problem)")
        }
        self.to = to
        self.channel = channel
        customFriendlyName = try form.string("CustomFriendlyName", maxLength: 30)
        customCode = try form.string("CustomCode")
        if let customCode {
            guard isWellFormedCode(customCode) else {
                throw .invalidParameter("CustomCode", hint: "CustomCode must be 4 to 10 letters or digits")
            }
        }
        locale = try form.string("Locale")
        if let locale, !MessageText.isWellFormedLocale(locale) {
            throw .invalidParameter("Locale", hint: "Locale '\(locale)' is not a language tag such as en, es or pt-BR")
        }
        amount = try form.string("Amount", maxLength: 255)
        payee = try form.string("Payee", maxLength: 255)
        appHash = try form.string("AppHash", maxLength: 64)
        if let text = form["RateLimits"], !text.isEmpty {
            rateLimits = try Self.parseRateLimits(text)
        }
    }

    /// `RateLimits` is a JSON object of unique names to string or number values.
    static func parseRateLimits(_ text: String) throws(TwilioError) -> [String: String] {
        let values: [String: ScalarValue]
        do {
            values = try JSONDecoder().decode([String: ScalarValue].self, from: Data(text.utf8))
        } catch {
            throw .invalidParameter(
                "RateLimits", hint: "RateLimits must be a JSON object of names to strings or numbers")
        }
        return values.mapValues(\.text)
    }

    struct ScalarValue: Decodable {
        var text: String
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                text = string
            } else if let int = try? container.decode(Int.self) {
                text = String(int)
            } else {
                text = String(try container.decode(Double.self))
            }
        }
    }
}

/// A validated `POST /v2/Services/{VA}/VerificationCheck` form.
struct CheckVerificationRequest: Sendable {
    enum Target: Sendable {
        case recipient(String)
        case verification(SID)
    }
    var code: String
    var target: Target

    init(form: FormData) throws(TwilioError) {
        guard let code = try form.string("Code", required: true) else {
            throw .invalidParameter("Code", hint: "Code is required")
        }
        guard (4...10).contains(code.count) else {
            throw .invalidParameter("Code", hint: "Code must be 4 to 10 characters, got \(code.count)")
        }
        self.code = code
        if let sid = try form.sid("VerificationSid", .verification) {
            target = .verification(sid)
        } else if let to = try form.string("To") {
            target = .recipient(to)
        } else {
            throw .invalidParameter("To", hint: "either To or VerificationSid is required")
        }
    }
}

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

/// A code a caller may choose (`CustomCode`, a fixed code): 4 to 10 ASCII letters or digits.
/// Checked on bytes: only ASCII passes, so bytes and characters agree.
func isWellFormedCode(_ code: String) -> Bool {
    (4...10).contains(code.utf8.count)
        && code.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "a")...UInt8(ascii: "z"):
                true
            default: false
            }
        }
}

/// Compares two codes in time that depends only on their lengths, not on where they differ.
func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    let left = Array(lhs.utf8)
    let right = Array(rhs.utf8)
    var difference: UInt8 = left.count == right.count ? 0 : 1
    for index in 0..<max(left.count, right.count) {
        difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
    }
    return difference == 0
}
