import Synchronization

/// Group commit: entries written while a transaction is being written wait and go together into
/// the next one, so under load many requests share one commit (on SQLite, whose one writer bounds
/// a login's throughput, one commit for many instead of one each). Each caller still returns
/// only once its entry has committed, or gets the batch's error: nothing is acknowledged that a
/// crash could lose. For writes that decide nothing per caller (an audit event); a write whose
/// caller needs an answer of its own stays a transaction of its own.
///
/// ```swift
/// let events = GroupCommit<AuditBatchEntry> { batch in try await store.record(batch) }
/// try await events.write(entry)
/// ```
final class GroupCommit<Entry: Sendable>: Sendable {
    private struct Waiting {
        var entry: Entry
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var queue: [Waiting] = []
        var draining = false
    }

    private let commit: @Sendable ([Entry]) async throws -> Void
    private let maxBatch: Int
    private let state = Mutex(State())

    /// `commit` writes one batch in one transaction.
    init(maxBatch: Int = 256, commit: @escaping @Sendable ([Entry]) async throws -> Void) {
        self.commit = commit
        self.maxBatch = maxBatch
    }

    /// Writes `entry` in the next batch; returns once it committed, or throws its error.
    func write(_ entry: Entry) async throws {
        try await withCheckedThrowingContinuation { continuation in
            let startDrain = state.withLock { state in
                state.queue.append(Waiting(entry: entry, continuation: continuation))
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain { Task { await drain() } }
        }
    }

    /// Commits batches until none is waiting.
    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let taken = Array(state.queue.prefix(maxBatch))
                state.queue.removeFirst(taken.count)
                if taken.isEmpty { state.draining = false }
                return taken
            }
            if batch.isEmpty { return }
            do {
                try await commit(batch.map(\.entry))
                for waiting in batch { waiting.continuation.resume() }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
        }
    }
}
