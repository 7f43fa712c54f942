import HTTPTypes
import Hummingbird
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How a phone answers a push challenge, as the Verify Push SDKs do it: it fetches the
/// challenge, reads the `Twilio-Verify-Signature-Fields` header (top-level keys of the body),
/// and posts as `AuthPayload` a JWT signed with the factor's key whose claims are those keys'
/// values from the body plus `status` (`approved` or `denied`).
enum ChallengeSignature {
    /// The keys the emulator asks a device to sign: what identifies the challenge and what the
    /// user was shown (Twilio's own list is not documented).
    static let fields = ["sid", "factor_sid", "details", "hidden_details", "expiration_date", "date_created"]

    static let headerName = HTTPField.Name("Twilio-Verify-Signature-Fields")!
    static var headerValue: String { fields.joined(separator: ",") }

    /// The challenge as JSON, as the device read it from a fetch.
    static func body(_ resource: ChallengeResource) throws -> [String: JSONValue] {
        try JSONDecoder().decode([String: JSONValue].self, from: JSONEncoder().encode(resource))
    }

    /// The answer signed in `authPayload`: approved or denied, when the JWT is the factor key's
    /// over the challenge's signature fields; 403/60324 naming what failed otherwise.
    static func answer(
        in authPayload: String, challenge: [String: JSONValue], key: DeviceKey
    ) throws(TwilioError) -> ChallengeStatus {
        let jwt: CompactJWT
        do {
            jwt = try CompactJWT(authPayload)
        } catch {
            throw .challengeVerificationFailed(hint: "AuthPayload: \(error)")
        }
        guard key.verifies(jwt) else {
            throw .challengeVerificationFailed(hint: "AuthPayload is not signed by the factor's key")
        }
        for field in fields where jwt.claims[field] != (challenge[field] ?? .null) {
            throw .challengeVerificationFailed(
                hint: "the signed \(field) differs from the challenge's (sign the fields of a fresh fetch)")
        }
        switch jwt.claims["status"]?.string {
        case "approved": return .approved
        case "denied": return .denied
        default:
            throw .challengeVerificationFailed(hint: "the signed status must be approved or denied")
        }
    }

    /// What a device signs to answer `challenge` (for the emulator's virtual devices).
    static func claims(_ challenge: [String: JSONValue], answer: ChallengeStatus) -> [String: JSONValue] {
        var claims: [String: JSONValue] = [:]
        for field in fields { claims[field] = challenge[field] ?? .null }
        claims["status"] = .string(answer.rawValue)
        return claims
    }
}
