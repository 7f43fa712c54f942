import GRDB
import Synchronization

/// Runs every state change of the emulator through one writer, committing many requests'
/// changes in one transaction ("group commit").
///
/// SQLite allows one writer at a time and a transaction has a fixed cost (begin, commit, the
/// hop to the writer thread). Under load, requests that arrive while a transaction is running
/// queue up here and the next transaction runs them all, each inside its own savepoint, so one
/// request's failure rolls back only its own changes. Each operation still reads what it decides
/// on inside the transaction, so nothing can act on stale state, and its caller hears back only
/// after the commit. With no load a batch holds one operation and costs what a plain write does.
final class WriteBatcher: Sendable {
    private let writer: any DatabaseWriter
    private let maxBatch: Int
    private let state = Mutex(State())

    private struct State {
        var queue: [any PendingWrite] = []
        var draining = false
    }

    init(writer: any DatabaseWriter, maxBatch: Int = 512) {
        self.writer = writer
        self.maxBatch = maxBatch
    }

    /// Runs `operation` in a savepoint of the next batch transaction and returns its result once
    /// that transaction has committed. An error thrown by `operation` undoes its changes only.
    func write<T: Sendable>(_ operation: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let pending = Pending(operation: operation, continuation: continuation)
            let startDrain = state.withLock { state in
                state.queue.append(pending)
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain {
                writer.asyncWriteWithoutTransaction { db in self.drain(db) }
            }
        }
    }

    /// Runs on the writer's own queue for as long as operations keep arriving: one hop into the
    /// writer per busy period rather than one per batch.
    private func drain(_ db: Database) {
        while true {
            let batch: [any PendingWrite] = state.withLock { state in
                let count = min(state.queue.count, maxBatch)
                let batch = Array(state.queue.prefix(count))
                state.queue.removeFirst(count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                try db.inTransaction {
                    for pending in batch { pending.execute(db) }
                    return .commit
                }
                for pending in batch { pending.finish(commitError: nil) }
            } catch {
                for pending in batch { pending.finish(commitError: error) }
            }
        }
    }
}

private protocol PendingWrite: Sendable {
    func execute(_ db: Database)
    func finish(commitError: (any Error)?)
}

/// One queued operation. `result` is written by `execute` on the writer's thread and read by
/// `finish` after the write returned, never concurrently, hence the unchecked Sendable.
private final class Pending<T: Sendable>: PendingWrite, @unchecked Sendable {
    let operation: @Sendable (Database) throws -> T
    let continuation: CheckedContinuation<T, any Error>
    var result: Result<T, any Error>?

    init(operation: @escaping @Sendable (Database) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.operation = operation
        self.continuation = continuation
    }

    func execute(_ db: Database) {
        // A savepoint per operation, through cached statements: compiling SAVEPOINT and RELEASE
        // afresh for every request showed up in profiles.
        do {
            try db.cachedStatement(sql: "SAVEPOINT batched_write").execute()
        } catch {
            result = .failure(error)
            return
        }
        do {
            let value = try operation(db)
            try db.cachedStatement(sql: "RELEASE SAVEPOINT batched_write").execute()
            result = .success(value)
        } catch {
            try? db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT batched_write").execute()
            try? db.cachedStatement(sql: "RELEASE SAVEPOINT batched_write").execute()
            result = .failure(error)
        }
    }

    func finish(commitError: (any Error)?) {
        if let commitError {
            continuation.resume(throwing: commitError)
        } else {
            continuation.resume(with: result ?? .failure(CancellationError()))
        }
    }
}
