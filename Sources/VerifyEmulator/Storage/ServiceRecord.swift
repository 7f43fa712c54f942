import GRDB
import VerifyWire

/// A row of `service`. The push, TOTP, WhatsApp and passkeys settings are JSON columns.
struct ServiceRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "service"

    var id: Int64?
    var sid: String
    var accountSid: String
    var friendlyName: String
    var codeLength: Int
    var lookupEnabled: Bool
    var psd2Enabled: Bool
    var skipSmsToLandlines: Bool
    var dtmfInputRequired: Bool
    var ttsName: String?
    var doNotShareWarningEnabled: Bool
    var customCodeEnabled: Bool
    var push: ServiceResource.Push
    var totp: ServiceResource.Totp
    var whatsapp: ServiceResource.Whatsapp
    var passkeys: ServiceResource.Passkeys
    var defaultTemplateSid: String?
    var verifyEventSubscriptionEnabled: Bool
    var createdAt: Int64
    var updatedAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, sid, push, totp, whatsapp, passkeys
        case accountSid = "account_sid"
        case friendlyName = "friendly_name"
        case codeLength = "code_length"
        case lookupEnabled = "lookup_enabled"
        case psd2Enabled = "psd2_enabled"
        case skipSmsToLandlines = "skip_sms_to_landlines"
        case dtmfInputRequired = "dtmf_input_required"
        case ttsName = "tts_name"
        case doNotShareWarningEnabled = "do_not_share_warning_enabled"
        case customCodeEnabled = "custom_code_enabled"
        case defaultTemplateSid = "default_template_sid"
        case verifyEventSubscriptionEnabled = "verify_event_subscription_enabled"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// A service with Twilio's defaults for everything but its name.
    init(sid: SID, accountSid: SID, friendlyName: String, now: Int64) {
        self.sid = sid.rawValue
        self.accountSid = accountSid.rawValue
        self.friendlyName = friendlyName
        self.codeLength = 6
        self.lookupEnabled = false
        self.psd2Enabled = false
        self.skipSmsToLandlines = false
        self.dtmfInputRequired = true
        self.doNotShareWarningEnabled = false
        self.customCodeEnabled = false
        self.push = .init()
        self.totp = .init()
        self.whatsapp = .init()
        self.passkeys = .init()
        self.verifyEventSubscriptionEnabled = false
        self.createdAt = now
        self.updatedAt = now
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    func resource(baseURL: String) -> ServiceResource {
        let url = "\(baseURL)/v2/Services/\(sid)"
        var totp = self.totp
        if totp.issuer == nil { totp.issuer = friendlyName }  // Twilio: defaults to the friendly name
        return ServiceResource(
            sid: sid, accountSid: accountSid, friendlyName: friendlyName, codeLength: codeLength,
            lookupEnabled: lookupEnabled, psd2Enabled: psd2Enabled, skipSmsToLandlines: skipSmsToLandlines,
            dtmfInputRequired: dtmfInputRequired, ttsName: ttsName, doNotShareWarningEnabled: doNotShareWarningEnabled,
            customCodeEnabled: customCodeEnabled, push: push, totp: totp, whatsapp: whatsapp, passkeys: passkeys,
            defaultTemplateSid: defaultTemplateSid, verifyEventSubscriptionEnabled: verifyEventSubscriptionEnabled,
            dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000),
            dateUpdated: TwilioDate.format(epochSeconds: updatedAt / 1000),
            url: url,
            links: [
                "verification_checks": "\(url)/VerificationCheck",
                "verifications": "\(url)/Verifications",
                "rate_limits": "\(url)/RateLimits",
                "messaging_configurations": "\(url)/MessagingConfigurations",
                "entities": "\(url)/Entities",
                "webhooks": "\(url)/Webhooks",
                "access_tokens": "\(url)/AccessTokens",
            ]
        )
    }
}
