import NIOHTTP1
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Entities (the app's users, by an identity the app chooses), their TOTP and push factors,
/// challenges, and the access tokens a phone app enrols its push factor with.
///
/// ```swift
/// let factor = try await client.createTOTPFactor(serviceSid: "VA…", identity: user.id, friendlyName: "alice")
/// // show factor.binding?.uri as a QR code; the user types the first code from their app:
/// let verified = try await client.verifyFactor(serviceSid: "VA…", identity: user.id, sid: factor.sid, code: code)
/// // at login:
/// let challenge = try await client.createChallenge(
///     serviceSid: "VA…", identity: user.id, factorSid: factor.sid, authPayload: code)
/// let approved = challenge.status == .approved
/// ```
extension VerifyClient {
    // MARK: Entities

    public func createEntity(serviceSid: String, identity: String) async throws -> EntityResource {
        try await send(
            .POST, "/v2/Services/\(serviceSid)/Entities", form: FormData([(name: "Identity", value: identity)]))
    }

    public func fetchEntity(serviceSid: String, identity: String) async throws -> EntityResource {
        try await send(.GET, "/v2/Services/\(serviceSid)/Entities/\(Self.pathSegment(identity))")
    }

    public func listEntities(serviceSid: String) async throws -> [EntityResource] {
        try await listAll("/v2/Services/\(serviceSid)/Entities", pageSize: 50)
    }

    /// Deletes the entity with every factor and challenge it has.
    public func deleteEntity(serviceSid: String, identity: String) async throws {
        try await sendWithoutBody(.DELETE, "/v2/Services/\(serviceSid)/Entities/\(Self.pathSegment(identity))")
    }

    // MARK: Factors

    /// A TOTP factor's optional settings; nil ones take the service's defaults.
    public struct TOTPOptions: Sendable {
        /// Base32; Twilio makes a 160-bit one when nil.
        public var secret: String?
        public var timeStep: Int?
        public var skew: Int?
        public var codeLength: Int?
        public var algorithm: TOTPAlgorithm?

        public init(
            secret: String? = nil, timeStep: Int? = nil, skew: Int? = nil, codeLength: Int? = nil,
            algorithm: TOTPAlgorithm? = nil
        ) {
            self.secret = secret
            self.timeStep = timeStep
            self.skew = skew
            self.codeLength = codeLength
            self.algorithm = algorithm
        }
    }

    /// A new, unverified TOTP factor; its `binding` holds the secret and the `otpauth://` URI,
    /// which Twilio returns this once. The entity is created with it when it does not exist.
    public func createTOTPFactor(
        serviceSid: String, identity: String, friendlyName: String, options: TOTPOptions = TOTPOptions(),
        metadata: [String: String]? = nil
    ) async throws -> FactorResource {
        var form = FormData([(name: "FactorType", value: "totp"), (name: "FriendlyName", value: friendlyName)])
        if let secret = options.secret { form.append("Binding.Secret", secret) }
        if let timeStep = options.timeStep { form.append("Config.TimeStep", String(timeStep)) }
        if let skew = options.skew { form.append("Config.Skew", String(skew)) }
        if let codeLength = options.codeLength { form.append("Config.CodeLength", String(codeLength)) }
        if let algorithm = options.algorithm { form.append("Config.Alg", algorithm.rawValue) }
        if let metadata { form.append("Metadata", try Self.json(metadata)) }
        return try await send(.POST, factorsPath(serviceSid, identity), form: form)
    }

    public func fetchFactor(serviceSid: String, identity: String, sid: String) async throws -> FactorResource {
        try await send(.GET, factorsPath(serviceSid, identity) + "/\(sid)")
    }

    /// The entity's factors of every type (an unknown identity has none: Twilio answers 404).
    public func listFactors(serviceSid: String, identity: String) async throws -> [FactorResource] {
        try await listAll(factorsPath(serviceSid, identity), pageSize: 50)
    }

    /// Verifies a new TOTP factor with a first code from the authenticator (`AuthPayload`). A
    /// wrong code is not an error: the factor comes back still `unverified`, as on Twilio.
    public func verifyFactor(
        serviceSid: String, identity: String, sid: String, code: String
    ) async throws -> FactorResource {
        try await send(
            .POST, factorsPath(serviceSid, identity) + "/\(sid)",
            form: FormData([(name: "AuthPayload", value: code)]))
    }

    /// Renames a factor.
    public func updateFactor(
        serviceSid: String, identity: String, sid: String, friendlyName: String
    ) async throws -> FactorResource {
        try await send(
            .POST, factorsPath(serviceSid, identity) + "/\(sid)",
            form: FormData([(name: "FriendlyName", value: friendlyName)]))
    }

    public func deleteFactor(serviceSid: String, identity: String, sid: String) async throws {
        try await sendWithoutBody(.DELETE, factorsPath(serviceSid, identity) + "/\(sid)")
    }

    // MARK: Challenges

    /// What a push challenge shows on the phone.
    public struct ChallengeDetails: Sendable {
        public var message: String
        /// Labelled lines under the message (label, value), in order.
        public var fields: [(label: String, value: String)]

        public init(message: String, fields: [(label: String, value: String)] = []) {
            self.message = message
            self.fields = fields
        }
    }

    /// A challenge for one factor. For TOTP pass the user's code as `authPayload`: the answer is
    /// `approved` when it is right and `pending` when not. For push, pass `details` (the phone
    /// shows them) and wait for the device to answer (`fetchChallenge`, or a webhook).
    public func createChallenge(
        serviceSid: String, identity: String, factorSid: String, authPayload: String? = nil,
        details: ChallengeDetails? = nil, hiddenDetails: [String: String]? = nil, expirationDate: Date? = nil
    ) async throws -> ChallengeResource {
        var form = FormData([(name: "FactorSid", value: factorSid)])
        if let authPayload { form.append("AuthPayload", authPayload) }
        if let details {
            form.append("Details.Message", details.message)
            for field in details.fields {
                form.append("Details.Fields", try Self.json(["label": field.label, "value": field.value]))
            }
        }
        if let hiddenDetails { form.append("HiddenDetails", try Self.json(hiddenDetails)) }
        if let expirationDate { form.append("ExpirationDate", TwilioDate.format(expirationDate)) }
        return try await send(.POST, challengesPath(serviceSid, identity), form: form)
    }

    public func fetchChallenge(serviceSid: String, identity: String, sid: String) async throws -> ChallengeResource {
        try await send(.GET, challengesPath(serviceSid, identity) + "/\(sid)")
    }

    /// Answers a pending TOTP challenge with a code: `approved` when right, still `pending` when not.
    public func updateChallenge(
        serviceSid: String, identity: String, sid: String, authPayload: String
    ) async throws -> ChallengeResource {
        try await send(
            .POST, challengesPath(serviceSid, identity) + "/\(sid)",
            form: FormData([(name: "AuthPayload", value: authPayload)]))
    }

    /// The entity's challenges, newest first, optionally of one factor or in one state.
    public func listChallenges(
        serviceSid: String, identity: String, factorSid: String? = nil, status: ChallengeStatus? = nil
    ) async throws -> [ChallengeResource] {
        var filter = FormData()
        if let factorSid { filter.append("FactorSid", factorSid) }
        if let status { filter.append("Status", status.rawValue) }
        return try await listAll(challengesPath(serviceSid, identity), pageSize: 50, filter: filter)
    }

    // MARK: Access tokens

    /// A short-lived token for the user's phone app to enrol a push factor with the Verify
    /// Push SDK, without the account's credentials. `ttl` is in seconds (60 to 300; Twilio's
    /// default when nil).
    public func createAccessToken(
        serviceSid: String, identity: String, factorType: FactorType = .push, factorFriendlyName: String? = nil,
        ttl: Int? = nil
    ) async throws -> AccessTokenResource {
        var form = FormData([(name: "Identity", value: identity), (name: "FactorType", value: factorType.rawValue)])
        if let factorFriendlyName { form.append("FactorFriendlyName", factorFriendlyName) }
        if let ttl { form.append("Ttl", String(ttl)) }
        return try await send(.POST, "/v2/Services/\(serviceSid)/AccessTokens", form: form)
    }

    public func fetchAccessToken(serviceSid: String, sid: String) async throws -> AccessTokenResource {
        try await send(.GET, "/v2/Services/\(serviceSid)/AccessTokens/\(sid)")
    }

    // MARK: Helpers

    private func factorsPath(_ serviceSid: String, _ identity: String) -> String {
        "/v2/Services/\(serviceSid)/Entities/\(Self.pathSegment(identity))/Factors"
    }

    private func challengesPath(_ serviceSid: String, _ identity: String) -> String {
        "/v2/Services/\(serviceSid)/Entities/\(Self.pathSegment(identity))/Challenges"
    }

    /// An identity as one path segment: anything but letters, digits, `-`, `_` and `.`
    /// percent-encoded, so an app's identity can never reach another path.
    static func pathSegment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let isSafe =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E
            if isSafe {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// A JSON object with sorted keys, as Twilio's JSON-valued form fields take it.
    static func json(_ object: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(object), as: UTF8.self)
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
