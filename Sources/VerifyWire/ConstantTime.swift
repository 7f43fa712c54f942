/// Comparison of secrets whose time depends only on their lengths, never on where they first
/// differ, so timing tells an attacker nothing: the emulator's codes, tokens and keys, the auth
/// server's CSRF tokens, PKCE challenges, client secrets and their digests.
///
/// ```swift
/// ConstantTime.equal(sentToken, expectedToken)
/// ```
public enum ConstantTime {
    public static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference: UInt8 = lhs.count == rhs.count ? 0 : 1
        for index in 0..<max(lhs.count, rhs.count) {
            difference |= (index < lhs.count ? lhs[index] : 0) ^ (index < rhs.count ? rhs[index] : 0)
        }
        return difference == 0
    }

    public static func equal(_ lhs: String, _ rhs: String) -> Bool { equal(Array(lhs.utf8), Array(rhs.utf8)) }
}
