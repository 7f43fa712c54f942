import Crypto
import VerifyWire

/// RFC 6238 time-based one-time passwords, as every authenticator app computes them: HMAC of the
/// time-step counter (RFC 4226's dynamic truncation), `digits` long. All time comes from the
/// emulator clock, so a test can move it and an app on the same clock agrees.
///
/// ```swift
/// let totp = TOTP(secret: Base32.decode("JBSWY3DPEHPK3PXP")!, algorithm: .sha1, digits: 6, timeStep: 30)
/// totp.code(counter: totp.counter(atEpochSeconds: 59))
/// ```
struct TOTP: Sendable {
    let secret: [UInt8]
    let algorithm: TOTPAlgorithm
    let digits: Int
    let timeStep: Int

    func counter(atEpochSeconds seconds: Int64) -> Int64 {
        seconds >= 0 ? seconds / Int64(timeStep) : (seconds - Int64(timeStep) + 1) / Int64(timeStep)
    }

    func code(counter: Int64) -> String {
        var message = [UInt8](repeating: 0, count: 8)
        let value = UInt64(bitPattern: counter)
        for index in 0..<8 { message[index] = UInt8(truncatingIfNeeded: value >> UInt64(56 - 8 * index)) }
        let key = SymmetricKey(data: secret)
        let mac: [UInt8] =
            switch algorithm {
            case .sha1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
            case .sha256: Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
            case .sha512: Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
            }
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary =
            (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let number = String(binary % modulus)
        return String(repeating: "0", count: digits - number.count) + number
    }

    /// The counter of the step whose code `code` is, among the `skew` steps either side of now, or
    /// nil. Every candidate is computed, so the time taken does not tell which step matched.
    func matchingCounter(_ code: String, atEpochSeconds seconds: Int64, skew: Int) -> Int64? {
        let now = counter(atEpochSeconds: seconds)
        var matched: Int64?
        for step in (now - Int64(skew))...(now + Int64(skew))
        where constantTimeEquals(self.code(counter: step), code) {
            matched = step
        }
        return matched
    }
}

/// RFC 4648 base32 (upper case, no padding on output), the alphabet of TOTP secrets.
enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes of a base32 text (either case, `=` padding and spaces ignored), or nil.
    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.utf8 where character != UInt8(ascii: "=") && character != UInt8(ascii: " ") {
            let upper = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(character) ? character - 32 : character
            guard let value = alphabet.firstIndex(of: upper) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits - 8)))
                bits -= 8
            }
        }
        return output
    }
}
