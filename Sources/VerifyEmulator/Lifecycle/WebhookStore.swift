import GRDB
import VerifyWire

/// A service's webhooks: create, fetch, list, update, delete.
struct WebhookStore: Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock

    /// A validated create or update form; on update every field is optional.
    struct Form: Sendable {
        var friendlyName: String?
        var eventTypes: [String]?
        var webhookUrl: String?
        var status: WebhookStatus?
        var version: WebhookVersion?

        init(form: FormData, creating: Bool) throws(TwilioError) {
            friendlyName = try form.string("FriendlyName", required: creating, maxLength: 64)
            let events = form.values("EventTypes")
            if creating || !events.isEmpty {
                let known = Set(WebhookEvent.allCases.map(\.rawValue) + ["*"])
                guard !events.isEmpty, events.allSatisfy(known.contains) else {
                    throw .invalidFactorRequest(
                        "EventTypes",
                        hint:
                            "EventTypes must be one or more of *, \(WebhookEvent.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                eventTypes = events
            }
            webhookUrl = try form.string("WebhookUrl", required: creating, maxLength: 2048)
            if let url = webhookUrl, let problem = DeliveryHook.problem(with: url) {
                throw .invalidParameter("WebhookUrl", hint: "WebhookUrl: \(problem)")
            }
            if let text = try form.string("Status") {
                guard let status = WebhookStatus(rawValue: text) else {
                    throw .invalidParameter("Status", hint: "Status must be enabled or disabled")
                }
                self.status = status
            }
            if let text = try form.string("Version") {
                guard let version = WebhookVersion(rawValue: text) else {
                    throw .invalidParameter("Version", hint: "Version must be v1 or v2")
                }
                self.version = version
            }
        }
    }

    func create(account: SID, service: SID, _ form: Form) async throws -> WebhookRecord {
        let now = clock.now().epochMilliseconds
        let sid = SID.random(.webhook).rawValue
        return try await batcher.write { db in
            let serviceID = try ServiceStore.requireID(db, account: account, service: service)
            var record = WebhookRecord(
                sid: sid, serviceId: serviceID, serviceSid: service.rawValue, accountSid: account.rawValue,
                friendlyName: form.friendlyName ?? "", eventTypes: FactorForms.json(form.eventTypes ?? []),
                status: form.status ?? .enabled, version: form.version ?? .v2, webhookUrl: form.webhookUrl ?? "",
                createdAt: now, updatedAt: now)
            try record.insert(db)
            return record
        }
    }

    func webhook(account: SID, service: SID, sid: SID) async throws -> WebhookRecord {
        try await writer.read { db in try Self.require(db, account: account, service: service, sid: sid) }
    }

    func webhooks(account: SID, service: SID, page: PageRequest) async throws -> Page<WebhookRecord> {
        try await writer.read { db in
            let serviceID = try ServiceStore.requireID(db, account: account, service: service)
            return try WebhookRecord.filter(Column("service_id") == serviceID).fetchPage(db, page)
        }
    }

    /// The service's webhooks that subscribe to `event` and are enabled.
    func subscribers(service: String, event: WebhookEvent) async throws -> [WebhookRecord] {
        try await writer.read { db in
            try WebhookRecord.filter(Column("service_sid") == service).order(Column("id")).fetchAll(db)
                .filter { $0.subscribes(to: event) }
        }
    }

    func update(account: SID, service: SID, sid: SID, _ form: Form) async throws -> WebhookRecord {
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            var record = try Self.require(db, account: account, service: service, sid: sid)
            if let value = form.friendlyName { record.friendlyName = value }
            if let value = form.eventTypes { record.eventTypes = FactorForms.json(value) }
            if let value = form.webhookUrl { record.webhookUrl = value }
            if let value = form.status { record.status = value }
            if let value = form.version { record.version = value }
            record.updatedAt = now
            try record.update(db)
            return record
        }
    }

    func delete(account: SID, service: SID, sid: SID) async throws {
        try await batcher.write { db in
            _ = try Self.require(db, account: account, service: service, sid: sid).delete(db)
        }
    }

    static func require(_ db: Database, account: SID, service: SID, sid: SID) throws -> WebhookRecord {
        let serviceID = try ServiceStore.requireID(db, account: account, service: service)
        guard
            let record = try WebhookRecord.filter(Column("service_id") == serviceID && Column("sid") == sid.rawValue)
                .fetchOne(db)
        else { throw NotFound("no webhook \(sid) on \(service)") }
        return record
    }
}
