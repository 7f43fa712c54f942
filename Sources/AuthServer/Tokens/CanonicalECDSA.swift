import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One ES256 token, one signature: ECDSA accepts both `(r, s)` and `(r, n - s)` for the same
/// message, so anyone holding a token could mint a second, different-looking token that
/// verifies (a "high-S twin"), which defeats any bookkeeping keyed by the token's text. The
/// server signs only with `s` in the lower half of the curve order (flipping it after signing,
/// as swift-crypto does not) and refuses any token whose `s` is in the upper half, as Bitcoin's
/// BIP 62 and many JWT libraries do.
enum CanonicalECDSA {
    /// The order n of P-256's base point, big-endian.
    static let order: [UInt8] = hex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551")
    /// n / 2, rounded down: the largest canonical `s`.
    static let halfOrder: [UInt8] = hex("7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8")

    /// Whether a raw 64-byte JWS signature (`r || s`) has its `s` in the lower half.
    static func isCanonical(_ signature: [UInt8]) -> Bool {
        signature.count == 64 && !greater(Array(signature[32...]), than: halfOrder)
    }

    /// `signature` with `s` replaced by `n - s` when `s` is in the upper half.
    static func canonical(_ signature: [UInt8]) -> [UInt8] {
        guard signature.count == 64, !isCanonical(signature) else { return signature }
        return Array(signature[..<32]) + subtract(order, Array(signature[32...]))
    }

    /// The token with its signature made canonical (a no-op for one that is).
    static func canonicalToken(_ token: String) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let signature = Base64URL.decode(parts[2]), !isCanonical(signature) else {
            return token
        }
        return "\(parts[0]).\(parts[1]).\(Base64URL.encode(canonical(signature)))"
    }

    /// Big-endian comparison of equal-length numbers.
    static func greater(_ a: [UInt8], than b: [UInt8]) -> Bool {
        for (x, y) in zip(a, b) where x != y { return x > y }
        return false
    }

    /// `a - b` for equal-length big-endian numbers with `a >= b`.
    static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: a.count)
        var borrow = 0
        for index in stride(from: a.count - 1, through: 0, by: -1) {
            var digit = Int(a[index]) - Int(b[index]) - borrow
            borrow = digit < 0 ? 1 : 0
            if digit < 0 { digit += 256 }
            result[index] = UInt8(digit)
        }
        return result
    }

    private static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }
}
