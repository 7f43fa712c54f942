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
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// Each byte's value in the alphabet; 0xFF for bytes outside it.
    private static let values: [UInt8] = {
        var values = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { values[Int(byte)] = UInt8(index) }
        return values
    }()

    // By hand, byte by byte: these run on every request that carries a token the server has not
    // seen, where Foundation's base64 plus character replacement cost more than the HMAC.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let input = Array(bytes)
        var output = [UInt8]()
        output.reserveCapacity((input.count * 4 + 2) / 3)
        func append(_ group: UInt32, characters: Int) {
            for index in 0..<characters { output.append(alphabet[Int(group >> UInt32(18 - 6 * index) & 63)]) }
        }
        var index = 0
        while index + 3 <= input.count {
            append(UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2]), characters: 4)
            index += 3
        }
        switch input.count - index {
        case 1: append(UInt32(input[index]) << 16, characters: 2)
        case 2: append(UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8, characters: 3)
        default: break
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes of `text`, or nil when it is not base64url (padding is tolerated).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        // on the text's own storage when it has one (a native String or Substring), so a
        // caller in another module pays no generic collection walk and no copy
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ decode(utf8: $0) }) { return decoded }
        return Array(text.utf8).withUnsafeBufferPointer { decode(utf8: $0) }
    }

    private static func decode(utf8 input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var count = input.count
        while count > 0, input[count - 1] == UInt8(ascii: "=") { count -= 1 }
        guard count % 4 != 1 else { return nil }
        var output = [UInt8]()
        output.reserveCapacity(count * 3 / 4)
        return values.withUnsafeBufferPointer { values -> [UInt8]? in
            var group: UInt32 = 0
            var bits = 0
            for byte in input[..<count] {
                let value = values[Int(byte)]
                guard value != 0xFF else { return nil }
                group = (group << 6 | UInt32(value)) & 0xFFFFFF
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    output.append(UInt8(truncatingIfNeeded: group >> UInt32(bits)))
                }
            }
            return output
        }
    }

    /// Whether `text` is the one canonical base64url spelling of its bytes (no padding, unused
    /// low bits zero), so a signature cannot be sent in a second spelling.
    public static func isCanonical(_ text: some StringProtocol) -> Bool {
        guard let bytes = decode(text) else { return false }
        return encode(bytes) == String(text)
    }
}
