import NIOHTTP1
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Verify Passkeys: registering a passkey (creation options, then the browser's registration)
/// and signing in with one (request options, then the browser's assertion). These four
/// endpoints take JSON; the browser's `PublicKeyCredential.toJSON()` is passed through as it is.
///
/// ```swift
/// let factor = try await client.createPasskeyFactor(serviceSid: "VA…", identity: user.id, friendlyName: "alice")
/// // the page calls navigator.credentials.create with factor.options, and posts the result back:
/// let verified = try await client.verifyPasskeyFactor(serviceSid: "VA…", credential: browserJSON)
/// // usernameless sign-in:
/// let challenge = try await client.createPasskeyChallenge(serviceSid: "VA…")
/// let approved = try await client.approvePasskeyChallenge(serviceSid: "VA…", assertion: browserJSON)
/// let who = approved.identity
/// ```
extension VerifyClient {
    /// A new, unverified passkeys factor with the WebAuthn creation options (`options`) the
    /// browser needs to make the key. The relying party comes from the service's `Passkeys.*`.
    public func createPasskeyFactor(
        serviceSid: String, identity: String, friendlyName: String
    ) async throws -> FactorResource {
        try await send(
            .POST, "/v2/Services/\(serviceSid)/Passkeys/Factors",
            json: ["friendly_name": friendlyName, "identity": identity])
    }

    /// Verifies a passkeys factor with the browser's registration (`PublicKeyCredential` as
    /// JSON, binary fields in base64url), sent as it is: check it is one JSON object first.
    public func verifyPasskeyFactor(serviceSid: String, credential: Data) async throws -> FactorResource {
        try await send(.POST, "/v2/Services/\(serviceSid)/Passkeys/VerifyFactor", jsonBytes: credential)
    }

    /// A sign-in challenge with its WebAuthn request options. With no identity it is
    /// usernameless: any of the service's passkeys may answer it.
    public func createPasskeyChallenge(
        serviceSid: String, identity: String? = nil, factorSid: String? = nil
    ) async throws -> PasskeyChallengeResource {
        var body: [String: String] = [:]
        if let identity { body["identity"] = identity }
        if let factorSid { body["factor_sid"] = factorSid }
        return try await send(.POST, "/v2/Services/\(serviceSid)/Passkeys/Challenges", json: body)
    }

    /// Answers a challenge with the browser's assertion; the result names the entity
    /// (`identity`) and factor whose passkey signed it.
    public func approvePasskeyChallenge(
        serviceSid: String, assertion: Data
    ) async throws -> PasskeyChallengeResource {
        try await send(.POST, "/v2/Services/\(serviceSid)/Passkeys/ApproveChallenge", jsonBytes: assertion)
    }
}
