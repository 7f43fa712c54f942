import Crypto
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Proof Key for Code Exchange (RFC 7636) with S256: the client sends SHA-256 of a secret
/// verifier with the authorization request and the verifier with the token request, so a code
/// intercepted on the way back is worth nothing without it.
enum PKCE {
    /// Whether `verifier` is a verifier (43 to 128 unreserved characters) whose SHA-256 is
    /// `challenge`; compared in constant time.
    static func verifies(_ verifier: String, challenge: String) -> Bool {
        guard (43...128).contains(verifier.utf8.count), verifier.utf8.allSatisfy(isUnreserved) else { return false }
        let computed = Base64URL.encode(SHA256.hash(data: Data(verifier.utf8)))
        return ConstantTime.equal(computed, challenge)
    }

    static func isBase64URL(_ byte: UInt8) -> Bool {
        byte == 0x2D || byte == 0x5F || (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte)
            || (0x61...0x7A).contains(byte)
    }

    /// RFC 3986's unreserved characters: letters, digits, `-`, `.`, `_`, `~`.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        isBase64URL(byte) || byte == 0x2E || byte == 0x7E
    }
}
