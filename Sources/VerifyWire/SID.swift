/// A Twilio resource identifier: a two-letter prefix naming the resource type followed by 32
/// lowercase hex digits, e.g. `VA0123456789abcdef0123456789abcdef`.
///
/// ```swift
/// let service = SID.random(.service)           // "VA…"
/// let parsed = SID("VE" + String(repeating: "a", count: 32), expecting: .verification)
/// ```
public struct SID: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The two-letter type prefixes used by Verify and the emulator.
    public enum Prefix: String, Sendable, CaseIterable {
        case account = "AC"
        case apiKey = "SK"
        case service = "VA"
        case verification = "VE"
        /// A delivery ("send code attempt"); the emulator's outbox uses it for every message.
        case sendAttempt = "VL"
        case rateLimit = "RK"
        case bucket = "BL"
        case entity = "YE"
        case factor = "YF"
        case challenge = "YC"
        case webhook = "YW"
        case accessToken = "YK"
        case notification = "NT"
        /// A push factor's credential: the `kid` of the device's JWTs (Twilio's format is not
        /// documented; `CR` is the prefix of Twilio's push credentials).
        case credential = "CR"
        /// A request: every Twilio API response names its own in `Twilio-Request-Id`.
        case request = "RQ"
        /// A number on the account's safe list.
        case safeListNumber = "GN"
        /// A Messaging Service (Programmable Messaging), named by messaging configurations.
        case messagingService = "MG"
        /// A message template.
        case template = "HJ"
    }

    public let rawValue: String

    public var description: String { rawValue }

    /// The prefix of this SID, if it is one of the known ones.
    public var prefix: Prefix? { Prefix(rawValue: String(rawValue.prefix(2))) }

    /// Parses a SID, accepting upper- or lowercase hex (as Twilio's own pattern does) and
    /// normalising to lowercase. Returns nil when the text is not a well-formed SID.
    public init?(_ text: some StringProtocol, expecting expected: Prefix? = nil) {
        guard text.utf8.count == 34 else { return nil }
        self.init(validating: String(text), expecting: expected)
    }

    /// The non-generic core of ``init(_:expecting:)``: SIDs arrive in paths and forms on every
    /// request, and a generic parse across the module boundary ran unspecialised.
    private init?(validating text: String, expecting expected: Prefix?) {
        var text = text
        let parsed = text.withUTF8 { bytes -> (prefix: Prefix, hasUppercase: Bool)? in
            guard bytes.count == 34 else { return nil }
            let prefix: Prefix
            switch (bytes[0], bytes[1]) {
            case (UInt8(ascii: "A"), UInt8(ascii: "C")): prefix = .account
            case (UInt8(ascii: "S"), UInt8(ascii: "K")): prefix = .apiKey
            case (UInt8(ascii: "V"), UInt8(ascii: "A")): prefix = .service
            case (UInt8(ascii: "V"), UInt8(ascii: "E")): prefix = .verification
            case (UInt8(ascii: "V"), UInt8(ascii: "L")): prefix = .sendAttempt
            case (UInt8(ascii: "R"), UInt8(ascii: "K")): prefix = .rateLimit
            case (UInt8(ascii: "B"), UInt8(ascii: "L")): prefix = .bucket
            case (UInt8(ascii: "Y"), UInt8(ascii: "E")): prefix = .entity
            case (UInt8(ascii: "Y"), UInt8(ascii: "F")): prefix = .factor
            case (UInt8(ascii: "Y"), UInt8(ascii: "C")): prefix = .challenge
            case (UInt8(ascii: "Y"), UInt8(ascii: "W")): prefix = .webhook
            case (UInt8(ascii: "Y"), UInt8(ascii: "K")): prefix = .accessToken
            case (UInt8(ascii: "N"), UInt8(ascii: "T")): prefix = .notification
            case (UInt8(ascii: "C"), UInt8(ascii: "R")): prefix = .credential
            case (UInt8(ascii: "R"), UInt8(ascii: "Q")): prefix = .request
            case (UInt8(ascii: "G"), UInt8(ascii: "N")): prefix = .safeListNumber
            case (UInt8(ascii: "M"), UInt8(ascii: "G")): prefix = .messagingService
            case (UInt8(ascii: "H"), UInt8(ascii: "J")): prefix = .template
            default: return nil
            }
            var hasUppercase = false
            for byte in bytes[2...] {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): break
                case UInt8(ascii: "A")...UInt8(ascii: "F"): hasUppercase = true
                default: return nil
                }
            }
            return (prefix, hasUppercase)
        }
        guard let parsed, expected == nil || expected == parsed.prefix else { return nil }
        // Most SIDs are already canonical: keep the string as it came.
        guard parsed.hasUppercase else {
            self.rawValue = text
            return
        }
        self.rawValue = String(
            decoding: text.utf8.enumerated().map { index, byte in
                index >= 2 && byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F") ? byte + 32 : byte
            }, as: UTF8.self)
    }

    /// Builds a SID from a trusted string without validation (for values read back from storage).
    public init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    /// A new random SID. The 128 random bits come from the system's CSPRNG, so SIDs are
    /// unguessable as Twilio's are.
    public static func random(_ prefix: Prefix) -> SID {
        var generator = SecureRandom()
        return random(prefix, using: &generator)
    }

    public static func random(_ prefix: Prefix, using generator: inout some RandomNumberGenerator) -> SID {
        let words = (generator.next(), generator.next())
        return make(prefix) { hex in
            hex(words.0, 16)
            hex(words.1, 16)
        }
    }

    /// A SID whose first 12 hex digits are `milliseconds` (big-endian) and whose other 20 are
    /// random (80 bits). SIDs made in time order sort in time order, so a database index on them
    /// grows at its end instead of at random pages: under load a batch of inserts then dirties
    /// a few index pages rather than one per row.
    public static func timeOrdered(_ prefix: Prefix, milliseconds: Int64) -> SID {
        var generator = SecureRandom()
        let time = UInt64(clamping: max(0, milliseconds))
        let words = (generator.next(), generator.next())
        return make(prefix) { hex in
            hex(time, 12)
            hex(words.0, 16)
            hex(words.1, 4)
        }
    }

    /// Writes the prefix and then 32 hex digits, given by `digits` as (value, count) runs whose
    /// low `count` nibbles are written most significant first.
    private static func make(_ prefix: Prefix, _ digits: ((UInt64, Int) -> Void) -> Void) -> SID {
        let text = String(unsafeUninitializedCapacity: 34) { buffer in
            let letters = prefix.rawValue.utf8
            buffer[0] = letters[letters.startIndex]
            buffer[1] = letters[letters.index(after: letters.startIndex)]
            var offset = 2
            digits { value, count in
                for nibble in stride(from: count - 1, through: 0, by: -1) {
                    let digit = UInt8(truncatingIfNeeded: (value >> UInt64(nibble * 4)) & 0xF)
                    buffer[offset] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                    offset += 1
                }
            }
            precondition(offset == 34, "a SID has 32 hex digits")
            return 34
        }
        return SID(unchecked: text)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let sid = SID(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a SID: \(text)")
        }
        self = sid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
