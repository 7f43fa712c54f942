import GRDB
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

extension Substring {
    /// The text without leading and trailing characters matching `isBlank`.
    func trimming(_ isBlank: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

/// One page of a list, in insertion order.
struct PageRequest: Sendable {
    var page: Int
    var pageSize: Int

    /// Reads Twilio's `Page` and `PageSize` (1…1000, default 50). `PageToken` is accepted and
    /// ignored: the emulator's paging URLs carry the page number, which is all it needs.
    init(query: FormData) throws(TwilioError) {
        pageSize = try query.int("PageSize", in: 1...1000) ?? 50
        page = try query.int("Page", in: 0...1_000_000) ?? 0
    }

    var offset: Int { page * pageSize }

    /// Twilio's `meta` for this page of the list at `listURL` (absolute, without a query).
    func meta(listURL: String, hasMore: Bool, key: String) -> PageMeta {
        func pageURL(_ number: Int) -> String { "\(listURL)?PageSize=\(pageSize)&Page=\(number)" }
        return PageMeta(
            page: page, pageSize: pageSize, firstPageURL: pageURL(0),
            previousPageURL: page > 0 ? pageURL(page - 1) : nil, url: pageURL(page),
            nextPageURL: hasMore ? pageURL(page + 1) : nil, key: key)
    }
}

/// Services of each account, in SQLite. Every call is scoped to one account: an account can
/// never read or change another's services.
struct ServiceStore: Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock

    func create(account: SID, parameters: ServiceParameters) async throws -> ServiceRecord {
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            var record = ServiceRecord(
                sid: .random(.service), accountSid: account, friendlyName: parameters.friendlyName ?? "", now: now)
            parameters.apply(to: &record)
            try record.insert(db)
            return record
        }
    }

    func fetch(account: SID, sid: SID, path: String) async throws -> ServiceRecord {
        let record = try await writer.read { db in
            try Self.find(db, account: account, sid: sid)
        }
        guard let record else { throw TwilioError.notFound(path, hint: "no service \(sid) in account \(account)") }
        return record
    }

    func list(account: SID, page: PageRequest) async throws -> (records: [ServiceRecord], hasMore: Bool) {
        let rows = try await writer.read { db in
            try ServiceRecord
                .filter(Column("account_sid") == account.rawValue)
                .order(Column("id"))
                .limit(page.pageSize + 1, offset: page.offset)
                .fetchAll(db)
        }
        return (Array(rows.prefix(page.pageSize)), rows.count > page.pageSize)
    }

    func update(account: SID, sid: SID, parameters: ServiceParameters, path: String) async throws -> ServiceRecord {
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            guard var record = try Self.find(db, account: account, sid: sid) else {
                throw TwilioError.notFound(path, hint: "no service \(sid) in account \(account)")
            }
            parameters.apply(to: &record)
            record.updatedAt = now
            try record.update(db)
            return record
        }
    }

    /// Deletes a service and its verifications; messages already "sent" stay in the outbox.
    func delete(account: SID, sid: SID, path: String) async throws {
        let deleted = try await batcher.write { db in
            try ServiceRecord
                .filter(Column("account_sid") == account.rawValue && Column("sid") == sid.rawValue)
                .deleteAll(db)
        }
        if deleted == 0 { throw TwilioError.notFound(path, hint: "no service \(sid) in account \(account)") }
    }

    /// Creates the fixture's service unless a service with its SID already exists.
    func ensure(_ fixture: ServiceFixture) async throws {
        let now = clock.now().epochMilliseconds
        try await batcher.write { db in try Self.insertIfMissing(db, fixture, now: now) }
    }

    static func insertIfMissing(_ db: Database, _ fixture: ServiceFixture, now: Int64) throws {
        if try ServiceRecord.filter(Column("sid") == fixture.sid.rawValue).fetchCount(db) > 0 { return }
        var record = ServiceRecord(
            sid: fixture.sid, accountSid: fixture.accountSid, friendlyName: fixture.friendlyName, now: now)
        record.codeLength = fixture.codeLength
        record.customCodeEnabled = fixture.customCodeEnabled
        try record.insert(db)
        for limit in fixture.rateLimits {
            var rateLimit = RateLimitRecord(
                sid: SID.random(.rateLimit).rawValue, serviceId: record.id!, serviceSid: record.sid,
                accountSid: record.accountSid, uniqueName: limit.uniqueName, description: limit.description,
                createdAt: now, updatedAt: now)
            try rateLimit.insert(db)
            for bucket in limit.buckets {
                var bucketRecord = BucketRecord(
                    sid: SID.random(.bucket).rawValue, rateLimitId: rateLimit.id!, rateLimitSid: rateLimit.sid,
                    serviceSid: record.sid, accountSid: record.accountSid, max: bucket.max, interval: bucket.interval,
                    createdAt: now, updatedAt: now)
                try bucketRecord.insert(db)
            }
        }
    }

    static func find(_ db: Database, account: SID, sid: SID) throws -> ServiceRecord? {
        try ServiceRecord
            .filter(Column("sid") == sid.rawValue && Column("account_sid") == account.rawValue)
            .fetchOne(db)
    }
}
