import GRDB
import Logging
import ServiceLifecycle
import Synchronization
import VerifyWire

/// Codes held back from the phone (the outcome catalogue's `delayed_delivery` and
/// `never_delivered` numbers): the message is stored and counts as a send attempt at once, but
/// the messages list, the inbox and the delivery webhook see it only when its time comes on the
/// account's emulator clock (or never). Every quarter second this delivers the ones now due,
/// so advancing the clock delivers them at once.
///
/// With nothing timed held back, nothing can fall due until something is written: the loop
/// then skips its read while the batcher has committed nothing new (every hold is written
/// through it), and looks anyway every ``idleRecheck`` (a snapshot restore writes outside it).
final class WithheldDeliveries: Service, Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock
    let outbox: Outbox
    let logger: Logger
    let interval: Duration
    /// How often to look with nothing held back and no commit since.
    let idleRecheck: Duration = .seconds(5)
    /// The batcher's commit count when a read last found nothing timed held back, or nil.
    private let idleSince = Mutex<(commits: Int, at: ContinuousClock.Instant)?>(nil)

    /// The condition that leaves out held-back messages, for every query that shows messages as
    /// the phone received them (`m` or the bare table).
    static func delivered(_ table: String = "message") -> String {
        "\(table).id NOT IN (SELECT message_id FROM withheld_message)"
    }

    init(
        writer: any DatabaseWriter, batcher: WriteBatcher, clock: EmulatorClock, outbox: Outbox, logger: Logger,
        interval: Duration = .milliseconds(250)
    ) {
        self.writer = writer
        self.batcher = batcher
        self.clock = clock
        self.outbox = outbox
        self.logger = logger
        self.interval = interval
    }

    /// Holds `message` back, in the transaction that stores it.
    static func hold(_ db: Database, message: MessageRecord, until withheld: WithheldDelivery, now: Int64) throws {
        let deliverAt: Int64? =
            switch withheld {
            case .after(let milliseconds): now + milliseconds
            case .never: nil
            }
        try db.execute(
            sql: "INSERT INTO withheld_message (message_id, account_sid, deliver_at) VALUES (?, ?, ?)",
            arguments: [message.id, message.accountSid, deliverAt])
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: self.interval)
                    try await self.deliverDue()
                } catch is CancellationError {
                    break
                } catch {
                    self.logger.warning("withheld deliveries: \(error)")
                }
            }
        }
    }

    /// Delivers every held-back message whose time has come on its account's clock.
    @discardableResult
    func deliverDue() async throws -> Int {
        let commits = batcher.commitCount
        let idle = idleSince.withLock { idle in
            guard let since = idle, since.commits == commits, since.at.duration(to: .now) < idleRecheck else {
                return false
            }
            return true
        }
        if idle { return 0 }
        // Sendable values, so this is GRDB's async read: its synchronous twin (picked for a
        // non-Sendable result such as `[Row]`) blocks a cooperative thread, and with every thread
        // so blocked behind a pool barrier the process deadlocked (seen in CI at exit)
        let waiting = try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT message_id, account_sid, deliver_at FROM withheld_message WHERE deliver_at IS NOT NULL"
            ).map { row -> (id: Int64, account: String, deliverAt: Int64) in (row[0], row[1], row[2]) }
        }
        guard !waiting.isEmpty else {
            idleSince.withLock { $0 = (commits, .now) }
            return 0
        }
        idleSince.withLock { $0 = nil }
        let due: [Int64] = waiting.compactMap { row in
            let account = SID(row.account, expecting: .account)
            return clock.now(for: account).epochMilliseconds >= row.deliverAt ? row.id : nil
        }
        guard !due.isEmpty else { return 0 }
        let messages = try await batcher.write { db -> [MessageRecord] in
            let list = due.map(String.init).joined(separator: ", ")
            let messages = try MessageRecord.fetchAll(
                db, sql: MessageRecord.selectSQL + " WHERE id IN (\(list)) ORDER BY id")
            try db.execute(sql: "DELETE FROM withheld_message WHERE message_id IN (\(list))")
            return messages
        }
        for message in messages { outbox.delivered(message) }
        return messages.count
    }
}
