import Crypto
import Foundation

/// A phone with the Verify Push SDK, written from the SDKs' source without the emulator's code:
/// a P-256 key, the factor SID signed in DER, JWTs with raw r‖s signatures in base64url.
struct TestPhone {
    let key = P256.Signing.PrivateKey()

    /// `Binding.PublicKey`: SubjectPublicKeyInfo DER, standard base64.
    var publicKey: String { key.publicKey.derRepresentation.base64EncodedString() }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The factor-verification `AuthPayload`.
    func signature(of text: String) throws -> String {
        try key.signature(for: Data(text.utf8)).derRepresentation.base64EncodedString()
    }

    func jwt(header: [String: Any], claims: [String: Any]) throws -> String {
        let input =
            Self.base64URL(try JSONSerialization.data(withJSONObject: header)) + "."
            + Self.base64URL(try JSONSerialization.data(withJSONObject: claims))
        return input + "." + Self.base64URL(try key.signature(for: Data(input.utf8)).rawRepresentation)
    }

    /// The Basic credentials of the SDK's calls after enrolment: `token:<JWT>`.
    func authorization(
        credentialSid: String, accountSid: String, now: Date, lifetime: TimeInterval = 600
    ) throws
        -> String
    {
        let seconds = Int(now.timeIntervalSince1970)
        let token = try jwt(
            header: ["cty": "twilio-pba;v=1", "kid": credentialSid, "typ": "JWT", "alg": "ES256"],
            claims: ["sub": accountSid, "exp": seconds + Int(lifetime), "nbf": seconds])
        return "Basic " + Data("token:\(token)".utf8).base64EncodedString()
    }

    /// The `AuthPayload` that answers a challenge: the listed fields of the fetched body plus
    /// the status, signed.
    func answer(body: Data, signatureFields: String, status: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: body) as! [String: Any]
        var claims: [String: Any] = [:]
        for field in signatureFields.split(separator: ",").map(String.init) { claims[field] = object[field] }
        claims["status"] = status
        return try jwt(header: ["typ": "JWT", "alg": "ES256"], claims: claims)
    }
}
