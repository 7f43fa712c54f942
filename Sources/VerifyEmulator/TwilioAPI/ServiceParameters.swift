import VerifyWire

/// The settable parameters of a service, read and validated from a create or update form.
/// Only parameters that were sent are set; each bad one fails with 60200 naming it.
struct ServiceParameters: Sendable {
    var friendlyName: String?
    var codeLength: Int?
    var lookupEnabled: Bool?
    var skipSmsToLandlines: Bool?
    var dtmfInputRequired: Bool?
    var ttsName: String?
    var psd2Enabled: Bool?
    var doNotShareWarningEnabled: Bool?
    var customCodeEnabled: Bool?
    var pushIncludeDate: Bool?
    var pushApnCredentialSid: String?
    var pushFcmCredentialSid: String?
    var totpIssuer: String?
    var totpTimeStep: Int?
    var totpCodeLength: Int?
    var totpSkew: Int?
    var defaultTemplateSid: String?
    var whatsappMsgServiceSid: String?
    var whatsappFrom: String?
    var passkeysRelyingPartyId: String?
    var passkeysRelyingPartyName: String?
    var passkeysRelyingPartyOrigins: [String]?
    var passkeysAuthenticatorAttachment: String?
    var passkeysDiscoverableCredentials: String?
    var passkeysUserVerification: String?
    var verifyEventSubscriptionEnabled: Bool?

    /// Twilio documents FriendlyName as "up to 32 characters".
    static let friendlyNameMaxLength = 32

    init(form: FormData, creating: Bool) throws(TwilioError) {
        friendlyName = try form.string("FriendlyName", required: creating, maxLength: Self.friendlyNameMaxLength)
        if !creating, form["FriendlyName"] != nil, friendlyName == nil {
            throw .invalidParameter("FriendlyName", hint: "FriendlyName cannot be empty")
        }
        codeLength = try form.int("CodeLength", in: 4...10)
        lookupEnabled = try form.bool("LookupEnabled")
        skipSmsToLandlines = try form.bool("SkipSmsToLandlines")
        dtmfInputRequired = try form.bool("DtmfInputRequired")
        ttsName = try form.string("TtsName", maxLength: 255)
        psd2Enabled = try form.bool("Psd2Enabled")
        doNotShareWarningEnabled = try form.bool("DoNotShareWarningEnabled")
        customCodeEnabled = try form.bool("CustomCodeEnabled")
        pushIncludeDate = try form.bool("Push.IncludeDate")
        pushApnCredentialSid = try Self.sidShaped(form, "Push.ApnCredentialSid", prefix: "CR")
        pushFcmCredentialSid = try Self.sidShaped(form, "Push.FcmCredentialSid", prefix: "CR")
        totpIssuer = try form.string("Totp.Issuer", maxLength: 255)
        totpTimeStep = try form.int("Totp.TimeStep", in: 20...60)
        totpCodeLength = try form.int("Totp.CodeLength", in: 3...8)
        totpSkew = try form.int("Totp.Skew", in: 0...2)
        defaultTemplateSid = try Self.sidShaped(form, "DefaultTemplateSid", prefix: "HJ")
        whatsappMsgServiceSid = try Self.sidShaped(form, "Whatsapp.MsgServiceSid", prefix: "MG")
        whatsappFrom = try form.string("Whatsapp.From", maxLength: 255)
        passkeysRelyingPartyId = try form.string("Passkeys.RelyingParty.Id", maxLength: 255)
        passkeysRelyingPartyName = try form.string("Passkeys.RelyingParty.Name", maxLength: 255)
        passkeysRelyingPartyOrigins = try form.string("Passkeys.RelyingParty.Origins", maxLength: 2048)?
            .split(separator: ",").map { $0.trimming { $0 == " " } }
        passkeysAuthenticatorAttachment = try Self.oneOf(
            form, "Passkeys.AuthenticatorAttachment", ["platform", "cross-platform", "any"])
        passkeysDiscoverableCredentials = try Self.oneOf(
            form, "Passkeys.DiscoverableCredentials", ["required", "preferred", "discouraged"])
        passkeysUserVerification = try Self.oneOf(
            form, "Passkeys.UserVerification", ["required", "preferred", "discouraged"])
        verifyEventSubscriptionEnabled = try form.bool("VerifyEventSubscriptionEnabled")
    }

    private static func sidShaped(_ form: FormData, _ name: String, prefix: String) throws(TwilioError) -> String? {
        guard let value = form[name], !value.isEmpty else { return nil }
        let hex = value.utf8.dropFirst(2)
        guard value.utf8.count == 34, value.hasPrefix(prefix),
            hex.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) })
        else {
            throw .invalidParameter(name, hint: "\(name) must be \(prefix) followed by 32 hex digits")
        }
        return value
    }

    private static func oneOf(_ form: FormData, _ name: String, _ allowed: [String]) throws(TwilioError) -> String? {
        guard let value = form[name], !value.isEmpty else { return nil }
        guard allowed.contains(value) else {
            throw .invalidParameter(name, hint: "\(name) must be one of \(allowed.joined(separator: ", "))")
        }
        return value
    }

    func apply(to record: inout ServiceRecord) {
        if let friendlyName { record.friendlyName = friendlyName }
        if let codeLength { record.codeLength = codeLength }
        if let lookupEnabled { record.lookupEnabled = lookupEnabled }
        if let skipSmsToLandlines { record.skipSmsToLandlines = skipSmsToLandlines }
        if let dtmfInputRequired { record.dtmfInputRequired = dtmfInputRequired }
        if let ttsName { record.ttsName = ttsName }
        if let psd2Enabled { record.psd2Enabled = psd2Enabled }
        if let doNotShareWarningEnabled { record.doNotShareWarningEnabled = doNotShareWarningEnabled }
        if let customCodeEnabled { record.customCodeEnabled = customCodeEnabled }
        if let pushIncludeDate { record.push.includeDate = pushIncludeDate }
        if let pushApnCredentialSid { record.push.apnCredentialSid = pushApnCredentialSid }
        if let pushFcmCredentialSid { record.push.fcmCredentialSid = pushFcmCredentialSid }
        if let totpIssuer { record.totp.issuer = totpIssuer }
        if let totpTimeStep { record.totp.timeStep = totpTimeStep }
        if let totpCodeLength { record.totp.codeLength = totpCodeLength }
        if let totpSkew { record.totp.skew = totpSkew }
        if let defaultTemplateSid { record.defaultTemplateSid = defaultTemplateSid }
        if let whatsappMsgServiceSid { record.whatsapp.msgServiceSid = whatsappMsgServiceSid }
        if let whatsappFrom { record.whatsapp.from = whatsappFrom }
        if let passkeysRelyingPartyId { record.passkeys.relyingParty.id = passkeysRelyingPartyId }
        if let passkeysRelyingPartyName { record.passkeys.relyingParty.name = passkeysRelyingPartyName }
        if let passkeysRelyingPartyOrigins { record.passkeys.relyingParty.origins = passkeysRelyingPartyOrigins }
        if let passkeysAuthenticatorAttachment {
            record.passkeys.authenticatorAttachment = passkeysAuthenticatorAttachment
        }
        if let passkeysDiscoverableCredentials {
            record.passkeys.discoverableCredentials = passkeysDiscoverableCredentials
        }
        if let passkeysUserVerification { record.passkeys.userVerification = passkeysUserVerification }
        if let verifyEventSubscriptionEnabled { record.verifyEventSubscriptionEnabled = verifyEventSubscriptionEnabled }
    }
}
