import GRDB
import Logging
import ServiceLifecycle

/// Deletes what the emulator no longer needs, so a long load or a CI runner that keeps one
/// database for weeks does not grow it without bound: finished verifications, "sent" messages,
/// rate-limit hits, answered or expired challenges (with their notifications), finished passkey
/// sign-ins and spent or expired access tokens older than the retention, on the emulator's clock (so advancing the clock
/// prunes too). The request log needs nothing: it is a ring of the last 1,000 requests.
///
/// Nothing live is ever pruned. The cut-off is never later than the code expiry, the send window
/// or the longest rate-limit bucket allow: a verification goes only once both its last change
/// and its expiry are older than the cut-off, and a message or a hit once it is older than every
/// window that counts it.
///
/// The work never stalls requests: each step is one small write through the ``WriteBatcher``
/// that looks at the next ``stepRows`` rows of one table, in id order, after where the last
/// step stopped; a pass goes round each table once. SQLite reuses the freed pages, so the file
/// stops growing once a retention's worth of rows is stored.
final class RetentionPruner: Service, Sendable {
    /// How long finished rows are kept, in milliseconds of emulator time.
    let retentionMs: Int64
    /// The longest window live state needs (code expiry, send window), in milliseconds.
    let liveWindowMs: Int64
    let batcher: WriteBatcher
    let clock: EmulatorClock
    let logger: Logger
    /// Pause between passes.
    let interval: Duration
    /// Rows one step examines; a step is one short transaction.
    let stepRows: Int

    /// What one pass deleted.
    struct Pruned: Equatable, Sendable {
        var verifications = 0
        var messages = 0
        var rateLimitHits = 0
        var challenges = 0
        var accessTokens = 0
        var total: Int { verifications + messages + rateLimitHits + challenges + accessTokens }
    }

    init(
        retention: Duration, liveWindow: Duration, batcher: WriteBatcher, clock: EmulatorClock, logger: Logger,
        interval: Duration = .seconds(10), stepRows: Int = 2000
    ) {
        self.retentionMs = retention.milliseconds
        self.liveWindowMs = liveWindow.milliseconds
        self.batcher = batcher
        self.clock = clock
        self.logger = logger
        self.interval = interval
        self.stepRows = stepRows
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: self.interval)
                } catch {
                    break
                }
                do {
                    let pruned = try await self.prune()
                    if pruned.total > 0 {
                        self.logger.debug(
                            "retention: pruned \(pruned.verifications) verifications, \(pruned.messages) messages, \(pruned.rateLimitHits) rate-limit hits, \(pruned.challenges) challenges, \(pruned.accessTokens) access tokens"
                        )
                    }
                } catch is CancellationError {
                    break
                } catch {
                    self.logger.warning("retention: pruning failed: \(error)")
                }
            }
        }
    }

    /// One pass over every table: deletes each row older than its cut-off.
    @discardableResult
    func prune() async throws -> Pruned {
        // old by every clock: moving one account's clock never prunes another's rows
        let now = clock.earliestNow().epochMilliseconds
        let cutoff = now - max(retentionMs, liveWindowMs)
        var pruned = Pruned()
        pruned.verifications = try await pass(
            table: "verification", condition: "updated_at < ?1 AND expires_at < ?1", cutoff: { _ in cutoff })
        pruned.messages = try await pass(table: "message", condition: "created_at < ?1", cutoff: { _ in cutoff })
        pruned.rateLimitHits = try await pass(
            table: "rate_limit_hit", condition: "created_at < ?1",
            cutoff: { db in
                // a hit counts in every bucket window of its rate limit; keep it while the longest does
                let longest = try Int64.fetchOne(db, sql: "SELECT MAX(interval) FROM bucket") ?? 0
                return min(cutoff, now - longest * 1000)
            })
        // a pending challenge is finished once expired; an access token lives at most 300 s
        let finished = "updated_at < ?1 AND (status != 'pending' OR expires_at < ?1)"
        pruned.challenges =
            try await pass(table: "challenge", condition: finished, cutoff: { _ in cutoff })
            + pass(table: "passkey_challenge", condition: finished, cutoff: { _ in cutoff })
        pruned.accessTokens = try await pass(
            table: "access_token", condition: "created_at < ?1", cutoff: { _ in cutoff })
        return pruned
    }

    /// Walks `table` in rowid order, ``stepRows`` rows per transaction, deleting those that
    /// match `condition` (which names the cut-off as `?1`).
    private func pass(
        table: String, condition: String, cutoff: @escaping @Sendable (Database) throws -> Int64
    ) async throws -> Int {
        var cursor: Int64 = 0
        var deleted = 0
        let stepRows = self.stepRows
        while true {
            try Task.checkCancellation()
            let after = cursor
            let step = try await batcher.write { db -> (examined: Int, last: Int64, deleted: Int) in
                let limit = try cutoff(db)
                let window = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*), MAX(rowid) FROM (
                            SELECT rowid FROM \(table) WHERE rowid > ?2 ORDER BY rowid LIMIT ?3)
                        """, arguments: [limit, after, stepRows])
                let examined: Int = window?[0] ?? 0
                guard examined > 0, let last: Int64 = window?[1] else { return (0, after, 0) }
                try db.execute(
                    sql: "DELETE FROM \(table) WHERE rowid > ?2 AND rowid <= ?3 AND \(condition)",
                    arguments: [limit, after, last])
                return (examined, last, db.changesCount)
            }
            deleted += step.deleted
            cursor = step.last
            if step.examined < stepRows { return deleted }
        }
    }
}
