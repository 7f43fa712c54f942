import GRDB
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A row of `webhook`.
struct WebhookRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "webhook"
    var id: Int64?
    var sid: String
    var serviceId: Int64
    var serviceSid: String
    var accountSid: String
    var friendlyName: String
    /// JSON array.
    var eventTypes: String
    var status: WebhookStatus
    var version: WebhookVersion
    var webhookUrl: String
    var createdAt: Int64
    var updatedAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, sid, status, version
        case serviceId = "service_id"
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case friendlyName = "friendly_name"
        case eventTypes = "event_types"
        case webhookUrl = "webhook_url"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    var events: [String] { (try? JSONDecoder().decode([String].self, from: Data(eventTypes.utf8))) ?? [] }

    func subscribes(to event: WebhookEvent) -> Bool {
        status == .enabled && (events.contains("*") || events.contains(event.rawValue))
    }

    func resource(baseURL: String) -> WebhookResource {
        WebhookResource(
            sid: sid, serviceSid: serviceSid, accountSid: accountSid, friendlyName: friendlyName, eventTypes: events,
            status: status, version: version, webhookUrl: webhookUrl, webhookMethod: "POST",
            dateCreated: TwilioDate.format(epochSeconds: createdAt / 1000),
            dateUpdated: TwilioDate.format(epochSeconds: updatedAt / 1000),
            url: "\(baseURL)/v2/Services/\(serviceSid)/Webhooks/\(sid)")
    }
}
