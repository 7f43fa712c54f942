import GRDB
import Logging
import VerifyWire

/// Where "sent" codes go: nothing leaves the machine. Each message is already stored (the
/// lifecycle writes it in the same transaction as the verification); the outbox logs it on one
/// console line and answers the control API's queries.
struct Outbox: Sendable {
    let writer: any DatabaseWriter
    let logger: Logger
    let logMessages: Bool
    let feed: MessageFeed
    /// Where to POST each message as well, if anywhere.
    var hook: DeliveryHook?
    var metrics: EmulatorMetrics?

    /// Filters of `GET /emulator/v1/messages`.
    struct Query: Sendable {
        var to: String?
        var serviceSid: String?
        var verificationSid: String?
        var accountSid: String?
        var limit: Int = 50
        /// Only messages older than this one (a page's continuation).
        var beforeID: Int64?
    }

    func delivered(_ message: MessageRecord) {
        feed.publish(message)
        hook?.post(message)
        metrics?.messageSent(channel: message.channel)
        guard logMessages else { return }
        logger.info(
            "\(message.channel.uppercased()) to \(message.toAddress): code \(message.code)",
            metadata: [
                "verification": "\(message.verificationSid)", "service": "\(message.serviceSid)",
                "to": "\(message.toAddress)", "code": "\(message.code)", "channel": "\(message.channel)",
            ])
    }

    /// Messages matching the query, newest first.
    /// The messages with the Messaging Service their service's configurations name for them.
    /// The messages `query` selects, each with its key in storage (which pages go by).
    func messagesWithMessagingServices(_ query: Query) async throws -> [(key: Int64, message: OutboxMessage)] {
        let records = try await messages(query)
        guard !records.isEmpty else { return [] }
        return try await writer.read { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messaging_configuration") ?? 0 > 0 else {
                return records.map { ($0.id ?? 0, OutboxMessage($0)) }
            }
            return try records.map { record in
                (
                    record.id ?? 0,
                    OutboxMessage(
                        record,
                        messagingServiceSid: try MessagingConfigurationStore.messagingService(
                            db, serviceSid: record.serviceSid, to: record.toAddress))
                )
            }
        }
    }

    func messages(_ query: Query) async throws -> [MessageRecord] {
        try await writer.read { db in
            var request = MessageRecord.all()
            if let to = query.to { request = request.filter(Column("to_address") == to) }
            if let sid = query.serviceSid { request = request.filter(Column("service_sid") == sid) }
            if let sid = query.verificationSid { request = request.filter(Column("verification_sid") == sid) }
            if let sid = query.accountSid { request = request.filter(Column("account_sid") == sid) }
            if let before = query.beforeID { request = request.filter(Column("id") < before) }
            request = request.filter(sql: WithheldDeliveries.delivered())
            return try request.order(Column("id").desc).limit(query.limit).fetchAll(db)
        }
    }
}
