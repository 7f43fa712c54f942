#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The audit log's rows (`audit_event`), newest last by id, and the webhook messages recorded
/// with them (``WebhookOutbox``) in the same transaction: an event is in the log and in the
/// outbox, or in neither.
struct AuditStore: Sendable {
    let database: any SQLDatabase

    /// Records `event` at `now`, and its webhook message when `toWebhook`.
    func record(_ event: AuditEvent, now: Date, toWebhook: Bool = false) async throws {
        try await record([(event, now, toWebhook)])
    }

    /// Records several events (a ``GroupCommit`` batch) in one statement; when any goes to the
    /// webhook, in one transaction with each such event's message (made from its stored row).
    func record(_ entries: [AuditBatchEntry]) async throws {
        guard !entries.isEmpty else { return }
        let insert = Self.insertion(entries) + " RETURNING \(unescaped: AuditRecord.columns)"
        guard entries.contains(where: \.toWebhook) else {
            try await database.run(insert)
            return
        }
        try await database.write { db in
            // ids rise in the order the rows were given; RETURNING's own order is not promised
            let records = try await db.fetchAll(insert).map(AuditRecord.init(row:)).sorted { $0.id < $1.id }
            for (record, entry) in zip(records, entries) where entry.toWebhook {
                try await WebhookOutbox.enqueue(db, WebhookMessage(record), now: entry.at)
            }
        }
    }

    /// The statement that stores `entries` (not their webhook messages), for ``record(_:)`` and
    /// for a caller that writes an event in its own statement (``AuditLog/insertion(_:)``).
    static func insertion(_ entries: [AuditBatchEntry]) -> SQLQuery {
        let rows = SQLQuery.joined(
            entries.map { entry in
                let event = entry.event
                return """
                    (\(entry.at.timeIntervalSince1970), \(event.type.rawValue), \(event.subject), \(event.actor.rawValue),
                        \(event.client?.ip), \(event.client?.userAgent), \(event.detailJSON))
                    """
            })
        return "INSERT INTO audit_event (at, type, subject, actor, ip, user_agent, detail) VALUES " + rows
    }

    /// Events matching `filter`, newest first.
    func list(_ filter: AuditFilter) async throws -> [AuditRecord] {
        var query: SQLQuery = "SELECT \(unescaped: AuditRecord.columns) FROM audit_event WHERE 1 = 1"
        if let subject = filter.subject { query = query + " AND subject = \(subject)" }
        if !filter.types.isEmpty {
            query = query + " AND type IN (" + Self.list(filter.types.map(\.rawValue)) + ")"
        }
        if let since = filter.since { query = query + " AND at >= \(since.timeIntervalSince1970)" }
        if let until = filter.until { query = query + " AND at < \(until.timeIntervalSince1970)" }
        if let before = filter.before { query = query + " AND id < \(before)" }
        query = query + " ORDER BY id DESC LIMIT \(filter.limit)"
        let statement = query
        return try await database.read { db in try await db.fetchAll(statement).map(AuditRecord.init(row:)) }
    }

    /// Deletes the events older than `cutoff` (`AUDIT_RETENTION`).
    func sweep(before cutoff: Date) async throws {
        try await database.run("DELETE FROM audit_event WHERE at < \(cutoff.timeIntervalSince1970)")
    }

    /// `?, ?, ?` (or `$n`s) binding each value.
    private static func list(_ values: [String]) -> SQLQuery {
        var joined: SQLQuery = ""
        for (index, value) in values.enumerated() { joined = joined + (index == 0 ? "\(value)" : ", \(value)") }
        return joined
    }
}

/// An event waiting for its group commit: when it happened, and whether the webhook wants it.
typealias AuditBatchEntry = (event: AuditEvent, at: Date, toWebhook: Bool)

/// Which events ``AuditStore/list(_:)`` returns: `GET /api/admin/audit`'s query.
struct AuditFilter: Sendable, Equatable {
    var subject: String?
    var types: [AuditEventType] = []
    var since: Date?
    var until: Date?
    /// Only events older than this id: the next page.
    var before: Int64?
    var limit = 100
}
