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
public struct TOTP: Sendable {
    public let secret: [UInt8]
    public let algorithm: TOTPAlgorithm
    public let digits: Int
    public let timeStep: Int

    public init(secret: [UInt8], algorithm: TOTPAlgorithm, digits: Int, timeStep: Int) {
        self.secret = secret
        self.algorithm = algorithm
        self.digits = digits
        self.timeStep = timeStep
    }

    public func counter(atEpochSeconds seconds: Int64) -> Int64 {
        seconds >= 0 ? seconds / Int64(timeStep) : (seconds - Int64(timeStep) + 1) / Int64(timeStep)
    }

    public func code(counter: Int64) -> String {
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
        where ConstantTime.equal(self.code(counter: step), code) {
            matched = step
        }
        return matched
    }
}
