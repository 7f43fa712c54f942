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

/// A row of `verification`. `status` is what was decided last; a pending verification whose
/// `expires_at` has passed is expired whether or not a later request has written that down.
struct VerificationRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "verification"

    var id: Int64?
    var sid: String
    var serviceId: Int64
    var serviceSid: String
    var accountSid: String
    var toAddress: String
    var channel: String
    var status: String
    var code: String
    var checkAttempts: Int
    var locale: String?
    var amount: String?
    var payee: String?
    var createdAt: Int64
    var updatedAt: Int64
    var expiresAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, sid, channel, status, code, locale, amount, payee
        case serviceId = "service_id"
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case toAddress = "to_address"
        case checkAttempts = "check_attempts"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case expiresAt = "expires_at"
    }

    init(
        sid: String, serviceId: Int64, serviceSid: String, accountSid: String, toAddress: String, channel: String,
        status: String, code: String, checkAttempts: Int, locale: String?, amount: String?, payee: String?,
        createdAt: Int64, updatedAt: Int64, expiresAt: Int64
    ) {
        self.sid = sid
        self.serviceId = serviceId
        self.serviceSid = serviceSid
        self.accountSid = accountSid
        self.toAddress = toAddress
        self.channel = channel
        self.status = status
        self.code = code
        self.checkAttempts = checkAttempts
        self.locale = locale
        self.amount = amount
        self.payee = payee
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.expiresAt = expiresAt
    }

    // Hand-written row mapping by position: the lifecycle reads these on every request, and
    // Codable's keyed decoding (or lookups by column name) cost several times more. Every fetch
    // selects exactly these columns in this order (`databaseSelection`, `selectSQL`).
    static let columnNames = [
        "id", "sid", "service_id", "service_sid", "account_sid", "to_address", "channel", "status", "code",
        "check_attempts", "locale", "amount", "payee", "created_at", "updated_at", "expires_at",
    ]
    static var databaseSelection: [any SQLSelectable] { columnNames.map { Column($0) } }
    static let selectSQL = "SELECT " + columnNames.joined(separator: ", ") + " FROM verification"

    init(row: Row) throws {
        id = row[0]
        sid = row[1]
        serviceId = row[2]
        serviceSid = row[3]
        accountSid = row[4]
        toAddress = row[5]
        channel = row[6]
        status = row[7]
        code = row[8]
        checkAttempts = row[9]
        locale = row[10]
        amount = row[11]
        payee = row[12]
        createdAt = row[13]
        updatedAt = row[14]
        expiresAt = row[15]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["sid"] = sid
        container["service_id"] = serviceId
        container["service_sid"] = serviceSid
        container["account_sid"] = accountSid
        container["to_address"] = toAddress
        container["channel"] = channel
        container["status"] = status
        container["code"] = code
        container["check_attempts"] = checkAttempts
        container["locale"] = locale
        container["amount"] = amount
        container["payee"] = payee
        container["created_at"] = createdAt
        container["updated_at"] = updatedAt
        container["expires_at"] = expiresAt
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    func isExpired(at now: Int64) -> Bool { now >= expiresAt }

    func resource(baseURL: String, attempts: [MessageRecord]) -> VerificationResource {
        VerificationResource(
            sid: sid, serviceSid: serviceSid, accountSid: accountSid, to: toAddress, channel: channel,
            status: status, valid: status == "approved", amount: amount, payee: payee,
            sendCodeAttempts: attempts.map {
                SendCodeAttempt(
                    attemptSid: $0.sid, channel: $0.channel.uppercased(),
                    time: TwilioDate.format(epochSeconds: $0.createdAt / 1000))
            },
            dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000),
            dateUpdated: TwilioDate.format(epochSeconds: updatedAt / 1000),
            url: "\(baseURL)/v2/Services/\(serviceSid)/Verifications/\(sid)"
        )
    }

    func checkResource() -> VerificationCheckResource {
        VerificationCheckResource(
            sid: sid, serviceSid: serviceSid, accountSid: accountSid, to: toAddress, channel: channel,
            status: status, valid: status == "approved", amount: amount, payee: payee,
            dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000),
            dateUpdated: TwilioDate.format(epochSeconds: updatedAt / 1000)
        )
    }
}

/// A row of `message`: one "sent" code, readable by tests through the control API.
public struct MessageRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "message"

    public var id: Int64?
    public var sid: String
    public var accountSid: String
    public var serviceSid: String
    public var verificationSid: String
    public var toAddress: String
    public var channel: String
    public var body: String
    public var code: String
    public var createdAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, sid, channel, body, code
        case accountSid = "account_sid"
        case serviceSid = "service_sid"
        case verificationSid = "verification_sid"
        case toAddress = "to_address"
        case createdAt = "created_at"
    }

    public init(
        sid: String, accountSid: String, serviceSid: String, verificationSid: String, toAddress: String,
        channel: String, body: String, code: String, createdAt: Int64
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.serviceSid = serviceSid
        self.verificationSid = verificationSid
        self.toAddress = toAddress
        self.channel = channel
        self.body = body
        self.code = code
        self.createdAt = createdAt
    }

    /// Rows map by position; every fetch selects these columns in this order.
    static let columnNames = [
        "id", "sid", "account_sid", "service_sid", "verification_sid", "to_address", "channel", "body", "code",
        "created_at",
    ]
    public static var databaseSelection: [any SQLSelectable] { columnNames.map { Column($0) } }
    static let selectSQL = "SELECT " + columnNames.joined(separator: ", ") + " FROM message"

    public init(row: Row) throws {
        id = row[0]
        sid = row[1]
        accountSid = row[2]
        serviceSid = row[3]
        verificationSid = row[4]
        toAddress = row[5]
        channel = row[6]
        body = row[7]
        code = row[8]
        createdAt = row[9]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["sid"] = sid
        container["account_sid"] = accountSid
        container["service_sid"] = serviceSid
        container["verification_sid"] = verificationSid
        container["to_address"] = toAddress
        container["channel"] = channel
        container["body"] = body
        container["code"] = code
        container["created_at"] = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
