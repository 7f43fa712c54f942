import Crypto
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A push factor's device key: the P-256 public key the Verify Push SDK made on the phone and
/// sent as `Binding.PublicKey` (PKIX SubjectPublicKeyInfo DER, standard base64). It checks the
/// two signatures a device makes: the DER signature of the factor SID that verifies the factor,
/// and the ES256 JWTs (raw r‖s) of its API calls and challenge answers.
struct DeviceKey: Sendable {
    let key: P256.Signing.PublicKey

    init(key: P256.Signing.PublicKey) {
        self.key = key
    }

    /// Reads `Binding.PublicKey`; 400/60306 naming the problem otherwise.
    init(binding text: String) throws(TwilioError) {
        guard let der = Data(base64Encoded: text) else {
            throw .invalidFactorRequest("Binding.PublicKey", hint: "Binding.PublicKey is not standard base64")
        }
        guard let key = try? P256.Signing.PublicKey(derRepresentation: der) else {
            throw .invalidFactorRequest(
                "Binding.PublicKey",
                hint: "Binding.PublicKey must be a P-256 public key in PKIX (SubjectPublicKeyInfo) DER, base64")
        }
        self.key = key
    }

    /// The key as the factor stores and returns it: SPKI DER in standard base64.
    var binding: String { key.derRepresentation.base64EncodedString() }

    /// Whether `base64` is this key's ECDSA-SHA256 signature of `message` in DER (X9.62), as
    /// the SDKs sign the factor SID to verify a push factor.
    func verifiesDERSignature(_ base64: String, of message: String) -> Bool {
        guard let der = Data(base64Encoded: base64),
            let signature = try? P256.Signing.ECDSASignature(derRepresentation: der)
        else { return false }
        return key.isValidSignature(signature, for: Data(message.utf8))
    }

    /// Whether `jwt`'s signature (raw r‖s, ES256) is this key's over its first two parts.
    func verifies(_ jwt: CompactJWT) -> Bool {
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: jwt.signature) else { return false }
        return key.isValidSignature(signature, for: Data(jwt.signingInput.utf8))
    }
}
