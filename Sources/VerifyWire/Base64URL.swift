#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Base64url without padding (RFC 4648 §5), as JWTs, WebAuthn and the Verify Push SDKs write it.
///
/// ```swift
/// let text = Base64URL.encode([0xFB, 0xFF])    // "-_8"
/// let bytes = Base64URL.decode("-_8")          // [0xFB, 0xFF]
/// ```
public enum Base64URL {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let standard = Data(bytes).base64EncodedString()
        return String(
            standard.compactMap { character -> Character? in
                switch character {
                case "=": nil
                case "+": "-"
                case "/": "_"
                default: character
                }
            })
    }

    /// The bytes of `text`, or nil when it is not base64url (padding is tolerated).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var standard = ""
        standard.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"): standard.append("+")
            case UInt8(ascii: "_"): standard.append("/")
            case UInt8(ascii: "+"), UInt8(ascii: "/"): return nil
            default: standard.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        while standard.hasSuffix("=") { standard.removeLast() }
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        return Data(base64Encoded: standard).map { [UInt8]($0) }
    }

    /// Whether `text` is the one canonical base64url spelling of its bytes (no padding, unused
    /// low bits zero), so a signature cannot be sent in a second spelling.
    public static func isCanonical(_ text: some StringProtocol) -> Bool {
        guard let bytes = decode(text) else { return false }
        return encode(bytes) == String(text)
    }
}
