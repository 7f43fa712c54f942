import Crypto
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// WebAuthn's authenticator data: the SHA-256 of the relying party id, the flags, the signature
/// counter and, at registration, the new credential (its id and its COSE public key).
struct AuthenticatorData: Sendable {
    var rpIdHash: [UInt8]
    var flags: UInt8
    var signCount: UInt32
    var credential: AttestedCredential?

    /// A new credential, as the authenticator reports it at registration.
    struct AttestedCredential: Sendable {
        var id: [UInt8]
        var publicKey: P256.Signing.PublicKey
    }

    var userPresent: Bool { flags & 0x01 != 0 }
    var userVerified: Bool { flags & 0x04 != 0 }
    var hasAttestedCredential: Bool { flags & 0x40 != 0 }

    init(_ bytes: [UInt8]) throws(TwilioError) {
        func fail(_ hint: String) -> TwilioError { .passkeys(.authenticatorData, hint: "authenticatorData: \(hint)") }
        guard bytes.count >= 37 else { throw fail("\(bytes.count) bytes, fewer than the 37 it must have") }
        rpIdHash = Array(bytes[0..<32])
        flags = bytes[32]
        signCount = bytes[33..<37].reduce(0) { $0 << 8 | UInt32($1) }
        guard flags & 0x40 != 0 else {
            credential = nil
            return
        }
        // attested credential data: aaguid (16), id length (2), id, COSE key
        guard bytes.count >= 55 else { throw fail("the attested credential data is cut short") }
        let length = Int(bytes[53]) << 8 | Int(bytes[54])
        guard bytes.count >= 55 + length else { throw fail("the credential id runs past the end") }
        let id = Array(bytes[55..<55 + length])
        let key: CBOR
        do {
            (key, _) = try CBOR.decode(prefixOf: Array(bytes[(55 + length)...]))
        } catch {
            throw .passkeys(.attestationObject, hint: "the credential public key is not CBOR: \(error)")
        }
        credential = AttestedCredential(id: id, publicKey: try Self.es256Key(key))
    }

    /// A COSE_Key of an ES256 credential (kty EC2, alg -7, crv P-256) as a P-256 key; the
    /// emulator offers only ES256 in `pubKeyCredParams`.
    static func es256Key(_ key: CBOR) throws(TwilioError) -> P256.Signing.PublicKey {
        guard key[int: 1]?.integer == 2, key[int: 3]?.integer == -7, key[int: -1]?.integer == 1,
            let x = key[int: -2]?.bytes, let y = key[int: -3]?.bytes, x.count == 32, y.count == 32,
            let publicKey = try? P256.Signing.PublicKey(x963Representation: [0x04] + x + y)
        else {
            throw .passkeys(
                .attestationObject, hint: "the credential public key is not an ES256 (P-256) COSE key")
        }
        return publicKey
    }
}

/// `clientDataJSON`: what the browser says it signed: the ceremony type, the challenge and the
/// page's origin.
struct ClientData: Decodable, Sendable {
    var type: String
    var challenge: String
    var origin: String
    var crossOrigin: Bool?

    /// Reads `clientDataJSON` (base64url); also returns its bytes, whose hash an assertion signs.
    static func read(_ text: String?) throws(TwilioError) -> (ClientData, [UInt8]) {
        guard let text, let bytes = Base64URL.decode(text) else {
            throw .passkeys(.clientData, hint: "clientDataJSON is missing or not base64url")
        }
        guard let data = try? JSONDecoder().decode(ClientData.self, from: Data(bytes)) else {
            throw .passkeys(.clientData, hint: "clientDataJSON is not JSON with type, challenge and origin")
        }
        return (data, bytes)
    }

    /// The SID the challenge carries: the emulator's challenges are the base64url of a factor
    /// SID (registration) or a challenge SID (sign-in), as Twilio's are.
    func challengeSID(_ prefix: SID.Prefix) -> SID? {
        Base64URL.decode(challenge).flatMap { String(validating: $0, as: UTF8.self) }
            .flatMap { SID($0, expecting: prefix) }
    }
}
