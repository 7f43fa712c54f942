import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The shared checks of Entities, Factors and Challenges forms.
enum FactorForms {
    /// An identity: 8 to 64 letters and digits in dash-separated groups (a UUID, a SID, a hash).
    static func checkIdentity(_ identity: String) throws(TwilioError) {
        let groups = identity.split(separator: "-", omittingEmptySubsequences: false)
        guard (8...64).contains(identity.utf8.count),
            groups.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { Self.isAlphanumeric($0) } })
        else { throw .invalidIdentity(identity) }
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// A JSON object with string values only, at most `maxLength` characters (`Metadata`,
    /// `HiddenDetails`), re-encoded with sorted keys.
    static func stringObject(_ form: FormData, _ name: String, maxLength: Int = 1024) throws(TwilioError) -> String? {
        guard let text = try form.string(name) else { return nil }
        guard text.count <= maxLength,
            let object = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        else {
            throw .invalidFactorRequest(
                name, hint: "\(name) must be a JSON object of string values, at most \(maxLength) characters")
        }
        return Self.json(object)
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}

/// A validated `POST …/Entities/{Identity}/Factors` form (TOTP).
struct CreateFactorRequest: Sendable {
    var friendlyName: String
    var factorType: FactorType
    /// Base32, when the app brings its own secret.
    var secret: String?
    var timeStep: Int?
    var skew: Int?
    var codeLength: Int?
    var alg: TOTPAlgorithm
    var metadata: String?

    init(form: FormData) throws(TwilioError) {
        guard let name = try form.string("FriendlyName", required: true, maxLength: 64) else {
            throw .invalidParameter("FriendlyName", hint: "FriendlyName is required")
        }
        friendlyName = name
        guard let typeText = try form.string("FactorType", required: true) else {
            throw .invalidParameter("FactorType", hint: "FactorType is required")
        }
        guard let type = FactorType(rawValue: typeText) else {
            throw .invalidFactorRequest(
                "FactorType", hint: "FactorType '\(typeText)' is not one of push, totp (passkeys: /Passkeys/Factors)")
        }
        guard type == .totp else {
            throw .invalidFactorRequest(
                "FactorType", hint: "\(type.rawValue) factors are not emulated yet; totp is")
        }
        factorType = type
        if let secret = try form.string("Binding.Secret") {
            guard let bytes = Base32.decode(secret), bytes.count >= 10 else {
                throw .invalidFactorRequest("Binding.Secret", hint: "Binding.Secret must be base32 of 10 bytes or more")
            }
            self.secret = Base32.encode(bytes)
        }
        timeStep = try form.int("Config.TimeStep", in: 20...60)
        skew = try form.int("Config.Skew", in: 0...2)
        codeLength = try form.int("Config.CodeLength", in: 3...8)
        if let text = try form.string("Config.Alg") {
            guard let alg = TOTPAlgorithm(rawValue: text) else {
                throw .invalidFactorRequest("Config.Alg", hint: "Config.Alg must be sha1, sha256 or sha512")
            }
            self.alg = alg
        } else {
            alg = .sha1
        }
        metadata = try FactorForms.stringObject(form, "Metadata")
    }
}

/// A validated `POST …/Factors/{YF}` form: a code to verify the factor with, and settings.
struct UpdateFactorRequest: Sendable {
    var authPayload: String?
    var friendlyName: String?
    var timeStep: Int?
    var skew: Int?
    var codeLength: Int?
    var alg: TOTPAlgorithm?

    init(form: FormData) throws(TwilioError) {
        authPayload = try form.string("AuthPayload", maxLength: 5456)
        friendlyName = try form.string("FriendlyName", maxLength: 64)
        timeStep = try form.int("Config.TimeStep", in: 20...60)
        skew = try form.int("Config.Skew", in: 0...2)
        codeLength = try form.int("Config.CodeLength", in: 3...8)
        if let text = try form.string("Config.Alg") {
            guard let alg = TOTPAlgorithm(rawValue: text) else {
                throw .invalidFactorRequest("Config.Alg", hint: "Config.Alg must be sha1, sha256 or sha512")
            }
            self.alg = alg
        }
    }
}

/// A validated `POST …/Entities/{Identity}/Challenges` form.
struct CreateChallengeRequest: Sendable {
    var factorSid: SID
    var authPayload: String?
    /// Epoch milliseconds, when given.
    var expiresAt: Int64?
    /// JSON of ``ChallengeResource/Details``.
    var details: String?
    var hiddenDetails: String?

    init(form: FormData, now: Int64) throws(TwilioError) {
        guard let factor = try form.sid("FactorSid", .factor) else {
            throw .invalidParameter("FactorSid", hint: "FactorSid is required")
        }
        factorSid = factor
        authPayload = try form.string("AuthPayload")
        if let payload = authPayload, !(3...8).contains(payload.count) {
            throw .invalidFactorRequest("AuthPayload", hint: "AuthPayload is a code of 3 to 8 characters")
        }
        if let text = try form.string("ExpirationDate") {
            guard let date = TwilioDate.parse(text) else {
                throw .invalidParameter(
                    "ExpirationDate", hint: "ExpirationDate must be a time like 2030-01-01T00:00:00Z")
            }
            let at = date.epochMilliseconds
            guard at > now, at <= now + 3_600_000 else {
                throw .invalidParameter(
                    "ExpirationDate", hint: "ExpirationDate must be in the future and at most 60 minutes away")
            }
            expiresAt = at
        }
        let message = try form.string("Details.Message", maxLength: 256)
        let fieldTexts = form.values("Details.Fields")
        guard fieldTexts.count <= 20 else {
            throw .invalidFactorRequest("Details.Fields", hint: "at most 20 Details.Fields")
        }
        var fields: [ChallengeResource.Details.Field] = []
        for text in fieldTexts {
            guard let field = try? JSONDecoder().decode(ChallengeResource.Details.Field.self, from: Data(text.utf8)),
                field.label.count <= 36, field.value.count <= 128
            else {
                throw TwilioError(
                    code: 60368, status: 400, message: "Invalid challenge details",
                    hint: "each Details.Fields is a JSON object {\"label\": ≤36, \"value\": ≤128 characters}")
            }
            fields.append(field)
        }
        if message != nil || !fields.isEmpty {
            details = FactorForms.json(ChallengeResource.Details(message: message ?? "", fields: fields))
        }
        hiddenDetails = try FactorForms.stringObject(form, "HiddenDetails")
    }
}
