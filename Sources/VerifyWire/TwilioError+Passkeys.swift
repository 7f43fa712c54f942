/// The errors of Verify Passkeys: one code per part of a WebAuthn ceremony that failed, as
/// Twilio's error pages list them. Twilio does not document their HTTP statuses; a ceremony
/// that does not verify is the client's error, 400.
extension TwilioError {
    /// A passkeys ceremony that does not verify, with Twilio's code for the part that failed.
    public static func passkeys(_ failure: PasskeyFailure, hint: String) -> TwilioError {
        TwilioError(code: failure.rawValue, status: 400, message: failure.message, hint: hint)
    }

    /// 400/60434: the Passkeys endpoints take `application/json`.
    public static func passkeysContentType(_ given: String?) -> TwilioError {
        .passkeys(.contentType, hint: "send application/json, not \(given ?? "no Content-Type")")
    }
}

/// What a passkeys ceremony can fail on, by Twilio's error code.
public enum PasskeyFailure: Int, Sendable, CaseIterable {
    /// The origin is not one of the relying party's origins.
    case origin = 60371
    /// The relying party id (its hash in the authenticator data) does not match.
    case relyingPartyId = 60372
    /// `rawId` or `id` is missing, malformed, or names no passkey of this factor or challenge.
    case rawId = 60376
    /// The authenticator attachment is not the one the factor asks for.
    case authenticatorAttachment = 60377
    /// The authenticator data is malformed, or its flags or counter refuse it.
    case authenticatorData = 60379
    /// `clientDataJSON` is malformed, of the wrong type, or for another challenge.
    case clientData = 60380
    /// The assertion's signature does not verify with the passkey's public key.
    case signature = 60381
    /// The attestation object is malformed or its key is not ES256.
    case attestationObject = 60386
    /// The relying party settings are missing (on the request and on the Service).
    case missingRelyingParty = 60393
    /// Not `application/json`.
    case contentType = 60434

    public var message: String {
        switch self {
        case .origin: "Invalid origin for the relying party"
        case .relyingPartyId: "Invalid relying party id"
        case .rawId: "Invalid passkey rawId"
        case .authenticatorAttachment: "Invalid authenticator attachment"
        case .authenticatorData: "Invalid authenticator data"
        case .clientData: "Invalid client data"
        case .signature: "Invalid signature"
        case .attestationObject: "Invalid attestation object"
        case .missingRelyingParty: "Missing passkeys configuration"
        case .contentType: "Unsupported content type"
        }
    }
}
