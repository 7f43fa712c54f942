import Crypto
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The private half of a device key, signing as the Verify Push SDKs do: the factor SID in DER
/// (to verify the factor) and ES256 JWTs with raw r‖s signatures (API calls, challenge answers).
/// The emulator's virtual devices use it; so do tests that play a phone.
struct DeviceSigner: Sendable {
    let key: P256.Signing.PrivateKey

    init(key: P256.Signing.PrivateKey = .init()) {
        self.key = key
    }

    init(rawRepresentation: Data) throws {
        key = try P256.Signing.PrivateKey(rawRepresentation: rawRepresentation)
    }

    /// `Binding.PublicKey`: the public key as SubjectPublicKeyInfo DER, standard base64.
    var publicKeyBinding: String { key.publicKey.derRepresentation.base64EncodedString() }

    /// The factor-verification `AuthPayload`: base64 of the DER signature of the factor SID.
    func derSignature(of message: String) throws -> String {
        try key.signature(for: Data(message.utf8)).derRepresentation.base64EncodedString()
    }

    /// A compact ES256 JWT of `header` and `claims`, keys sorted.
    func jwt(header: [String: JSONValue], claims: [String: JSONValue]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let input =
            Base64URL.encode(try encoder.encode(header)) + "." + Base64URL.encode(try encoder.encode(claims))
        let signature = try key.signature(for: Data(input.utf8)).rawRepresentation
        return input + "." + Base64URL.encode(signature)
    }

    /// The JWT a device sends as `token:<JWT>` on its API calls: `kid` its credential, `sub` the
    /// account, valid for ten minutes from `now` (epoch seconds).
    func authenticationToken(credentialSid: String, accountSid: String, now: Int64) throws -> String {
        try jwt(
            header: [
                "cty": .string("twilio-pba;v=1"), "kid": .string(credentialSid), "typ": .string("JWT"),
                "alg": .string("ES256"),
            ],
            claims: ["sub": .string(accountSid), "exp": .number(Double(now + 600)), "nbf": .number(Double(now))])
    }
}
