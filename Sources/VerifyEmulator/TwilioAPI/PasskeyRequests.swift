import Hummingbird
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JSON bodies of the four Passkeys operations. Every field may be absent or null (the
/// official SDKs send `null` for what was not given); the stores say what is missing.
enum PasskeyRequests {
    /// `POST …/Passkeys/Factors`.
    struct CreateFactor: Decodable, Sendable {
        var friendlyName: String?
        var identity: String?
        var config: Config?

        struct Config: Decodable, Sendable {
            var relyingParty: RelyingParty?
            var authenticatorAttachment: String?
            var discoverableCredentials: String?
            var userVerification: String?

            enum CodingKeys: String, CodingKey {
                case relyingParty = "relying_party"
                case authenticatorAttachment = "authenticator_attachment"
                case discoverableCredentials = "discoverable_credentials"
                case userVerification = "user_verification"
            }
        }

        struct RelyingParty: Decodable, Sendable {
            var id: String?
            var name: String?
            var origins: [String]?
        }

        enum CodingKeys: String, CodingKey {
            case identity, config
            case friendlyName = "friendly_name"
        }
    }

    /// `POST …/Passkeys/Challenges`: both optional; neither is a usernameless sign-in.
    struct CreateChallenge: Decodable, Sendable {
        var identity: String?
        var factorSid: String?

        enum CodingKeys: String, CodingKey {
            case identity
            case factorSid = "factor_sid"
        }
    }

    /// `POST …/Passkeys/VerifyFactor`: the browser's registration (`PublicKeyCredential.toJSON()`).
    struct Registration: Decodable, Sendable {
        var id: String?
        var rawId: String?
        var authenticatorAttachment: String?
        var type: String?
        var response: Response?

        struct Response: Decodable, Sendable {
            var attestationObject: String?
            var clientDataJSON: String?
            var transports: [String]?
        }
    }

    /// `POST …/Passkeys/ApproveChallenge`: the browser's assertion.
    struct Assertion: Decodable, Sendable {
        var id: String?
        var rawId: String?
        var authenticatorAttachment: String?
        var type: String?
        var response: Response?

        struct Response: Decodable, Sendable {
            var authenticatorData: String?
            var clientDataJSON: String?
            var signature: String?
            var userHandle: String?
        }
    }
}

extension Request {
    /// A Passkeys body: `application/json` (else 400/60434), decoded as `type` (else 400/60306
    /// naming the field).
    func passkeysBody<T: Decodable>(_ type: T.Type, context: EmulatorRequestContext) async throws -> T {
        let contentType = headers[.contentType]
        guard let contentType, contentType.lowercased().hasPrefix("application/json") else {
            throw TwilioError.passkeysContentType(contentType)
        }
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw TwilioError.invalidFactorRequest(error.fieldPath, hint: error.fieldDescription)
        } catch {
            throw TwilioError.malformedBody(hint: "the body is not JSON: \(error)")
        }
    }
}
