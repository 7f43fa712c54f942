/// Parsed `application/x-www-form-urlencoded` data (request bodies and query strings), in the
/// order sent. Twilio parameters are case-sensitive (`To`, `Channel`, `Push.IncludeDate`).
///
/// ```swift
/// let form = try FormData(parsing: "To=%2B15005550006&Channel=sms")
/// form["To"]  // "+15005550006"
/// ```
public struct FormData: Sendable, Equatable {
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public private(set) var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    public static func == (lhs: FormData, rhs: FormData) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// Parses form-encoded text: `&`-separated `name=value` pairs, `+` as space, `%XX` escapes,
    /// UTF-8. A bad escape or invalid UTF-8 is an error, never silently replaced.
    public init(parsing text: some Collection<UInt8>) throws(ParseError) {
        try self.init(parsing: Array(text))
    }

    /// The non-generic form of ``init(parsing:)-(Collection<UInt8>)`` that the others call: a
    /// generic parser called across modules runs unspecialised, several times slower.
    public init(parsing text: [UInt8]) throws(ParseError) {
        var fields: [(name: String, value: String)] = []
        var start = text.startIndex
        while start != text.endIndex {
            let end = text[start...].firstIndex(of: UInt8(ascii: "&")) ?? text.endIndex
            let pair = text[start..<end]
            if !pair.isEmpty {
                let equals = pair.firstIndex(of: UInt8(ascii: "="))
                let name = try Self.decode(pair[pair.startIndex..<(equals ?? pair.endIndex)])
                var value = ""
                if let equals { value = try Self.decode(pair[pair.index(after: equals)...]) }
                fields.append((name, value))
            }
            start = end == text.endIndex ? end : text.index(after: end)
        }
        self.fields = fields
    }

    public init(parsing text: String) throws(ParseError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// The first value sent for `name`, if any.
    public subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Every value sent for `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    public mutating func append(_ name: String, _ value: String) {
        fields.append((name, value))
    }

    /// The form encoded for a request body or query string.
    public var encoded: String {
        fields.map { Self.encode($0.name) + "=" + Self.encode($0.value) }.joined(separator: "&")
    }

    /// One form-encoded component decoded (`+` a space, `%XX` a byte), or nil when it is not
    /// valid form encoding of UTF-8.
    public static func decodeComponent(_ text: String) -> String? {
        try? decode(Array(text.utf8)[...])
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) throws(ParseError) -> String {
        var output = [UInt8]()
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                guard first != bytes.endIndex, bytes.index(after: first) != bytes.endIndex,
                    let high = hexValue(bytes[first]), let low = hexValue(bytes[bytes.index(after: first)])
                else {
                    throw ParseError(description: "bad percent-escape in form data")
                }
                output.append(high << 4 | low)
                index = bytes.index(after: first)
            } else {
                output.append(byte)
            }
            index = bytes.index(after: index)
        }
        guard let text = String(validating: output, as: UTF8.self) else {
            throw ParseError(description: "form data is not valid UTF-8")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    public static func encode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output = [UInt8]()
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0xF)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// Typed reads of Twilio parameters from a form, each failing with 60200 naming the parameter.
extension FormData {
    /// A string parameter; `required` makes a missing or empty value an error.
    public func string(_ name: String, required: Bool = false, maxLength: Int? = nil) throws(TwilioError) -> String? {
        guard let value = self[name], !value.isEmpty else {
            if required { throw .invalidParameter(name, hint: "\(name) is required") }
            return nil
        }
        if let maxLength, value.count > maxLength {
            throw .invalidParameter(name, hint: "\(name) is \(value.count) characters; at most \(maxLength) allowed")
        }
        return value
    }

    /// A boolean parameter: `true` or `false` (any case), as the SDKs send them.
    public func bool(_ name: String) throws(TwilioError) -> Bool? {
        guard let value = self[name] else { return nil }
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw .invalidParameter(name, hint: "\(name) must be true or false, got '\(value)'")
        }
    }

    /// An integer parameter, optionally within a closed range.
    public func int(_ name: String, in range: ClosedRange<Int>? = nil) throws(TwilioError) -> Int? {
        guard let value = self[name] else { return nil }
        guard let number = Int(value) else {
            throw .invalidParameter(name, hint: "\(name) must be an integer, got '\(value)'")
        }
        if let range, !range.contains(number) {
            throw .invalidParameter(
                name, hint: "\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
        }
        return number
    }

    /// A SID parameter with the given prefix.
    public func sid(_ name: String, _ prefix: SID.Prefix) throws(TwilioError) -> SID? {
        guard let value = self[name], !value.isEmpty else { return nil }
        guard let sid = SID(value, expecting: prefix) else {
            throw .invalidParameter(name, hint: "\(name) must be \(prefix.rawValue) followed by 32 hex digits")
        }
        return sid
    }
}
