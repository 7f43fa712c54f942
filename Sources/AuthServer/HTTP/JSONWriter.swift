/// Writes a flat JSON object of string fields by hand, byte for byte as ``JSONResponse`` would
/// encode it (keys as given, which callers pass sorted; `/` unescaped; control characters as
/// JSONEncoder escapes them). For the one response on the hot path, `GET /api/auth/protected`,
/// where `JSONEncoder` was a twentieth of a request.
///
/// ```swift
/// let body = JSONWriter.object([("message", "hi"), ("username", nil)])  // {"message":"hi"}
/// ```
enum JSONWriter {
    /// `fields` in order, a nil value left out as the synthesized `Encodable` leaves it out.
    static func object(_ fields: [(key: String, value: String?)]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(128)
        var first = true
        for (key, value) in fields {
            guard let value else { continue }
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            appendString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            appendString(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func appendString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
