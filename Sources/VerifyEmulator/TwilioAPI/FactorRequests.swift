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

/// A validated `POST …/Entities/{Identity}/Factors` form: a TOTP factor or a push device.
struct CreateFactorRequest: Sendable {
    var friendlyName: String
    var metadata: String?
    var kind: Kind

    enum Kind: Sendable {
        case totp(TOTPSettings)
        case push(PushDevice)
    }

    /// What a TOTP factor is made with; nil fields take the service's defaults.
    struct TOTPSettings: Sendable {
        /// Base32, when the app brings its own secret.
        var secret: String?
        var timeStep: Int?
        var skew: Int?
        var codeLength: Int?
        var alg: TOTPAlgorithm = .sha1
    }

    /// What the Verify Push SDK sends about the phone: its public key and its app.
    struct PushDevice: Sendable {
        var key: DeviceKey
        var sdkVersion: String
        var appId: String
        var notificationPlatform: NotificationPlatform
        var notificationToken: String?
    }

    var factorType: FactorType {
        switch kind {
        case .totp: .totp
        case .push: .push
        }
    }

    init(form: FormData) throws(TwilioError) {
        guard let name = try form.string("FriendlyName", required: true, maxLength: 64) else {
            throw .invalidParameter("FriendlyName", hint: "FriendlyName is required")
        }
        friendlyName = name
        guard let typeText = try form.string("FactorType", required: true) else {
            throw .invalidParameter("FactorType", hint: "FactorType is required")
        }
        switch FactorType(rawValue: typeText) {
        case .totp?: kind = .totp(try Self.totpSettings(form))
        case .push?: kind = .push(try Self.pushDevice(form))
        case .passkeys?:
            throw TwilioError(
                code: 60369, status: 400, message: "Invalid factor type",
                hint: "passkeys factors are created with POST /v2/Services/{VA}/Passkeys/Factors")
        case nil:
            throw .invalidFactorRequest("FactorType", hint: "FactorType '\(typeText)' is not one of push, totp")
        }
        metadata = try FactorForms.stringObject(form, "Metadata")
    }

    private static func totpSettings(_ form: FormData) throws(TwilioError) -> TOTPSettings {
        var settings = TOTPSettings()
        if let secret = try form.string("Binding.Secret") {
            guard let bytes = Base32.decode(secret), bytes.count >= 10 else {
                throw .invalidFactorRequest("Binding.Secret", hint: "Binding.Secret must be base32 of 10 bytes or more")
            }
            settings.secret = Base32.encode(bytes)
        }
        settings.timeStep = try form.int("Config.TimeStep", in: 20...60)
        settings.skew = try form.int("Config.Skew", in: 0...2)
        settings.codeLength = try form.int("Config.CodeLength", in: 3...8)
        settings.alg = try FactorForms.totpAlgorithm(form) ?? .sha1
        return settings
    }

    private static func pushDevice(_ form: FormData) throws(TwilioError) -> PushDevice {
        func required(_ name: String, maxLength: Int? = nil) throws(TwilioError) -> String {
            guard let value = try form.string(name, required: true, maxLength: maxLength) else {
                throw .invalidParameter(name, hint: "\(name) is required for push factors")
            }
            return value
        }
        let alg = try required("Binding.Alg")
        guard alg == "ES256" else {
            throw .invalidFactorRequest("Binding.Alg", hint: "Binding.Alg must be ES256, not '\(alg)'")
        }
        let key = try DeviceKey(binding: try required("Binding.PublicKey"))
        let sdkVersion = try required("Config.SdkVersion", maxLength: 64)
        let appId = try required("Config.AppId", maxLength: 100)
        let platform = try FactorForms.notificationPlatform(form, required: true) ?? .none
        let token = try FactorForms.notificationToken(form)
        if platform != .none, token == nil {
            throw .invalidParameter(
                "Config.NotificationToken",
                hint: "Config.NotificationToken is required when Config.NotificationPlatform is \(platform.rawValue)")
        }
        return PushDevice(
            key: key, sdkVersion: sdkVersion, appId: appId, notificationPlatform: platform, notificationToken: token)
    }
}

extension FactorForms {
    static func totpAlgorithm(_ form: FormData) throws(TwilioError) -> TOTPAlgorithm? {
        guard let text = try form.string("Config.Alg") else { return nil }
        guard let alg = TOTPAlgorithm(rawValue: text) else {
            throw .invalidFactorRequest("Config.Alg", hint: "Config.Alg must be sha1, sha256 or sha512")
        }
        return alg
    }

    static func notificationPlatform(_ form: FormData, required: Bool) throws(TwilioError) -> NotificationPlatform? {
        guard let text = try form.string("Config.NotificationPlatform", required: required) else {
            if required {
                throw .invalidParameter(
                    "Config.NotificationPlatform", hint: "Config.NotificationPlatform is required for push factors")
            }
            return nil
        }
        guard let platform = NotificationPlatform(rawValue: text) else {
            throw .invalidFactorRequest(
                "Config.NotificationPlatform", hint: "Config.NotificationPlatform must be apn, fcm or none")
        }
        return platform
    }

    /// `Config.NotificationToken`: 32 to 255 characters, as the spec says.
    static func notificationToken(_ form: FormData) throws(TwilioError) -> String? {
        guard let token = try form.string("Config.NotificationToken") else { return nil }
        guard (32...255).contains(token.count) else {
            throw .invalidFactorRequest(
                "Config.NotificationToken", hint: "Config.NotificationToken must be 32 to 255 characters")
        }
        return token
    }
}

/// A validated `POST …/Factors/{YF}` form: the proof that verifies the factor (a TOTP code, or
/// a push device's signature of the factor SID), a new name, and settings of its type.
struct UpdateFactorRequest: Sendable {
    var authPayload: String?
    var friendlyName: String?
    var timeStep: Int?
    var skew: Int?
    var codeLength: Int?
    var alg: TOTPAlgorithm?
    var sdkVersion: String?
    var notificationPlatform: NotificationPlatform?
    var notificationToken: String?

    init(form: FormData) throws(TwilioError) {
        authPayload = try form.string("AuthPayload", maxLength: 5456)
        friendlyName = try form.string("FriendlyName", maxLength: 64)
        timeStep = try form.int("Config.TimeStep", in: 20...60)
        skew = try form.int("Config.Skew", in: 0...2)
        codeLength = try form.int("Config.CodeLength", in: 3...8)
        alg = try FactorForms.totpAlgorithm(form)
        sdkVersion = try form.string("Config.SdkVersion", maxLength: 64)
        notificationPlatform = try FactorForms.notificationPlatform(form, required: false)
        notificationToken = try FactorForms.notificationToken(form)
    }

    /// The first setting given that a factor of `type` does not have, if any.
    func foreignSetting(for type: FactorType) -> String? {
        switch type {
        case .totp:
            if sdkVersion != nil { return "Config.SdkVersion" }
            if notificationPlatform != nil { return "Config.NotificationPlatform" }
            if notificationToken != nil { return "Config.NotificationToken" }
        case .push, .passkeys:
            if timeStep != nil { return "Config.TimeStep" }
            if skew != nil { return "Config.Skew" }
            if codeLength != nil { return "Config.CodeLength" }
            if alg != nil { return "Config.Alg" }
        }
        return nil
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
    /// `Details.Message`, which push challenges require.
    var message: String?
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
        message = try form.string("Details.Message", maxLength: 256)
        let fieldTexts = form.values("Details.Fields")
        guard fieldTexts.count <= 20 else {
            throw .invalidFactorRequest("Details.Fields", hint: "at most 20 Details.Fields")
        }
        var fields: [ChallengeResource.Details.Field] = []
        for text in fieldTexts {
            guard let field = try? JSONDecoder().decode(ChallengeResource.Details.Field.self, from: Data(text.utf8)),
                field.label.count <= 36, field.value.count <= 128
            else {
                throw .invalidChallengeDetails(
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
