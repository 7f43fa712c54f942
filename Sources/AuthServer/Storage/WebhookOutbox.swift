#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The webhook messages waiting to go out and what became of them (`webhook_delivery`). A
/// message is enqueued in the transaction that records its event; a dispatcher (on any replica)
/// claims the due ones for a lease, so a replica that dies mid-delivery only delays a message,
/// and records each attempt's outcome. Delivery is at least once: a receiver tells repeats apart
/// by `webhook-id`.
struct WebhookOutbox: Sendable {
    let database: any SQLDatabase

    /// Adds `message`, due at once, inside the caller's transaction.
    static func enqueue(_ db: any SQLConnection, _ message: WebhookMessage, now: Date) async throws {
        let time = now.timeIntervalSince1970
        try await db.execute(
            """
            INSERT INTO webhook_delivery (message_id, event_type, payload, created_at, next_attempt_at)
            VALUES (\(message.id), \(message.type.rawValue), \(message.payload), \(time), \(time))
            """)
    }

    /// Up to `limit` messages due at `now`, each claimed until `now + lease`. Replicas claiming at
    /// once take different messages: rows another claim holds are passed over, and the update
    /// checks the row is still due, so none is claimed twice.
    func claimDue(now: Date, lease: TimeInterval, limit: Int) async throws -> [PendingWebhook] {
        let time = now.timeIntervalSince1970
        return try await database.run(
            """
            UPDATE webhook_delivery SET next_attempt_at = \(time + lease), attempts = attempts + 1
            WHERE delivered_at IS NULL AND next_attempt_at <= \(time) AND id IN (
                SELECT id FROM webhook_delivery WHERE delivered_at IS NULL AND next_attempt_at <= \(time)
                ORDER BY id LIMIT \(limit) \(.claimRows))
            RETURNING id, message_id, payload, attempts
            """
        ).map {
            PendingWebhook(
                id: try $0.decode(0), messageID: try $0.decode(1), payload: try $0.decode(2), attempt: try $0.decode(3))
        }.sorted { $0.id < $1.id }
    }

    /// Records an attempt: delivered (`retryAt` ignored), or failed and retried at `retryAt`
    /// (nil: given up).
    func finish(
        _ id: Int64, delivered: Bool, status: Int?, error: String?, retryAt: Date?, now: Date
    ) async throws {
        let retry: Double? = delivered ? nil : retryAt?.timeIntervalSince1970
        let deliveredAt: Double? = delivered ? now.timeIntervalSince1970 : nil
        let problem = error.map { String($0.prefix(500)) }
        try await database.run(
            """
            UPDATE webhook_delivery SET delivered_at = \(deliveredAt), next_attempt_at = \(retry),
                last_status = \(status), last_error = \(problem)
            WHERE id = \(id)
            """)
    }

    /// The latest messages, newest first, with their outcome.
    func recent(limit: Int) async throws -> [WebhookDelivery] {
        try await database.read { db in
            try await db.fetchAll(
                """
                SELECT id, message_id, event_type, created_at, attempts, delivered_at, next_attempt_at, last_status, last_error
                FROM webhook_delivery ORDER BY id DESC LIMIT \(limit)
                """
            ).map(WebhookDelivery.init(row:))
        }
    }

    /// Deletes the messages settled (delivered or given up) before `cutoff`.
    func sweep(before cutoff: Date) async throws {
        try await database.run(
            "DELETE FROM webhook_delivery WHERE next_attempt_at IS NULL AND created_at < \(cutoff.timeIntervalSince1970)"
        )
    }
}

/// A claimed message: its row, its Standard Webhooks id and body, and which attempt this is (from 1).
struct PendingWebhook: Sendable, Equatable {
    var id: Int64
    var messageID: String
    var payload: String
    var attempt: Int
}

/// A message as `GET /api/admin/webhooks` shows it.
struct WebhookDelivery: Sendable, Equatable, Encodable {
    enum Status: String, Sendable, Encodable {
        case pending, delivered, failed
    }

    var messageID: String
    var type: String
    var createdAt: Double
    var attempts: Int
    var status: Status
    var deliveredAt: Double?
    var nextAttemptAt: Double?
    var lastStatus: Int?
    var lastError: String?

    enum CodingKeys: String, CodingKey {
        case type, attempts, status
        case messageID = "message_id"
        case createdAt = "created_at"
        case deliveredAt = "delivered_at"
        case nextAttemptAt = "next_attempt_at"
        case lastStatus = "last_status"
        case lastError = "last_error"
    }

    init(row: SQLRow) throws {
        messageID = try row.decode(1)
        type = try row.decode(2)
        createdAt = try row.decode(3)
        attempts = try row.decode(4)
        deliveredAt = try row.decode(5)
        nextAttemptAt = try row.decode(6)
        lastStatus = try row.decode(7)
        lastError = try row.decode(8)
        status = deliveredAt != nil ? .delivered : nextAttemptAt == nil ? .failed : .pending
    }
}
