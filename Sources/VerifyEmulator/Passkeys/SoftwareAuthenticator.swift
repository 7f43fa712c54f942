import Crypto
import Foundation

/// A WebAuthn authenticator in software: written from the WebAuthn spec without the emulator's
/// verifier, it makes `none` attestations and ES256 assertions in the JSON a browser posts
/// (`PublicKeyCredential.toJSON()`), and can be told to misbehave. Swift tests drive it
/// directly; the control API's headless passkeys (``HeadlessPasskeys``) keep one per
/// credential, so a test in any language needs no browser. An independent WebAuthn library
/// (`webauthn` on PyPI) accepts what it makes (`Tests/compat/test_headless_passkeys.py`).
///
/// ```swift
/// let authenticator = SoftwareAuthenticator()
/// let registration = authenticator.register(options: creationOptions, origin: "http://localhost:8080")
/// let assertion = try authenticator.assert(options: requestOptions, origin: "http://localhost:8080", userHandle: nil)
/// ```
///
/// Not thread-safe: one test drives one authenticator.
public final class SoftwareAuthenticator: @unchecked Sendable {
    public let key: P256.Signing.PrivateKey
    public let credentialId: [UInt8]
    public var signCount: UInt32

    public init() {
        key = P256.Signing.PrivateKey()
        var random = SystemRandomNumberGenerator()
        credentialId = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        signCount = 0
    }

    /// A credential kept from before (the control API stores them).
    public init(key: P256.Signing.PrivateKey, credentialId: [UInt8], signCount: UInt32) {
        self.key = key
        self.credentialId = credentialId
        self.signCount = signCount
    }

    public static func b64url(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public static func decodeB64url(_ text: String) -> [UInt8] {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return [UInt8](Data(base64Encoded: base64) ?? Data())
    }

    /// The credential id, base64url.
    public var id: String { Self.b64url(credentialId) }

    // MARK: CBOR, as little as WebAuthn needs

    public enum Item {
        case int(Int)
        case bytes([UInt8])
        case text(String)
        case map([(Item, Item)])
    }

    public static func cbor(_ item: Item) -> [UInt8] {
        func head(_ major: UInt8, _ value: UInt64) -> [UInt8] {
            switch value {
            case 0..<24: [major << 5 | UInt8(value)]
            case 24..<256: [major << 5 | 24, UInt8(value)]
            case 256..<65536: [major << 5 | 25, UInt8(value >> 8), UInt8(value & 0xFF)]
            default: [major << 5 | 26] + (0..<4).reversed().map { UInt8((value >> ($0 * 8)) & 0xFF) }
            }
        }
        switch item {
        case .int(let value): return value >= 0 ? head(0, UInt64(value)) : head(1, UInt64(-1 - value))
        case .bytes(let bytes): return head(2, UInt64(bytes.count)) + bytes
        case .text(let text): return head(3, UInt64(text.utf8.count)) + Array(text.utf8)
        case .map(let pairs): return head(5, UInt64(pairs.count)) + pairs.flatMap { cbor($0.0) + cbor($0.1) }
        }
    }

    public var coseKey: [UInt8] {
        let point = [UInt8](key.publicKey.x963Representation)
        return Self.cbor(
            .map([
                (.int(1), .int(2)), (.int(3), .int(-7)), (.int(-1), .int(1)), (.int(-2), .bytes(Array(point[1..<33]))),
                (.int(-3), .bytes(Array(point[33..<65]))),
            ]))
    }

    /// Authenticator data: rpIdHash, flags (UP | UV, plus AT with a credential), counter.
    public func authenticatorData(rpId: String, flags: UInt8 = 0x05, attested: Bool) -> [UInt8] {
        var data = [UInt8](SHA256.hash(data: Data(rpId.utf8)))
        data.append(attested ? flags | 0x40 : flags)
        data += (0..<4).reversed().map { UInt8((signCount >> ($0 * 8)) & 0xFF) }
        if attested {
            data += [UInt8](repeating: 0, count: 16)  // aaguid
            data += [UInt8(credentialId.count >> 8), UInt8(credentialId.count & 0xFF)] + credentialId
            data += coseKey
        }
        return data
    }

    public static func clientData(type: String, challenge: String, origin: String) -> [UInt8] {
        Array(#"{"type":"\#(type)","challenge":"\#(challenge)","origin":"\#(origin)","crossOrigin":false}"#.utf8)
    }

    /// The registration JSON a browser posts (`PublicKeyCredential.toJSON()`) for creation options.
    public func register(
        options: [String: Any], origin: String, rpId: String? = nil, format: String = "none", flags: UInt8 = 0x05,
        type: String = "webauthn.create"
    ) -> [String: Any] {
        let publicKey = options["publicKey"] as! [String: Any]
        let rp = rpId ?? (publicKey["rp"] as! [String: Any])["id"] as! String
        let client = Self.clientData(type: type, challenge: publicKey["challenge"] as! String, origin: origin)
        let attestation = Self.cbor(
            .map([
                (.text("fmt"), .text(format)), (.text("attStmt"), .map([])),
                (.text("authData"), .bytes(authenticatorData(rpId: rp, flags: flags, attested: true))),
            ]))
        return [
            "id": id, "rawId": id, "type": "public-key", "authenticatorAttachment": "platform",
            "response": [
                "attestationObject": Self.b64url(attestation), "clientDataJSON": Self.b64url(client),
                "transports": ["internal"],
            ],
        ]
    }

    /// The assertion JSON a browser posts for request options; `tamper` flips a signature byte.
    public func assert(
        options: [String: Any], origin: String, userHandle: String?, flags: UInt8 = 0x05, tamper: Bool = false,
        countUp: Bool = true
    ) throws -> [String: Any] {
        let publicKey = options["publicKey"] as! [String: Any]
        if countUp { signCount += 1 }
        let authData = authenticatorData(rpId: publicKey["rpId"] as! String, flags: flags, attested: false)
        let client = Self.clientData(type: "webauthn.get", challenge: publicKey["challenge"] as! String, origin: origin)
        var signature = [UInt8](
            try key.signature(for: Data(authData) + Data(SHA256.hash(data: Data(client)))).derRepresentation)
        if tamper { signature[signature.count - 1] ^= 0x01 }
        var response: [String: Any] = [
            "authenticatorData": Self.b64url(authData), "clientDataJSON": Self.b64url(client),
            "signature": Self.b64url(signature),
        ]
        if let userHandle { response["userHandle"] = userHandle }
        return [
            "id": id, "rawId": id, "type": "public-key", "authenticatorAttachment": "platform", "response": response,
        ]
    }
}
