import GRDB
import Synchronization

/// Runs every state change of the emulator through one writer, committing many requests'
/// changes in one transaction ("group commit").
///
/// SQLite allows one writer at a time and a transaction has a fixed cost (begin, commit, the
/// hop to the writer thread). Under load, requests that arrive while a transaction is running
/// queue up here and the next transaction runs them all. Each operation still reads what it
/// decides on inside the transaction, so nothing can act on stale state, and its caller hears
/// back only after the commit. With no load a batch holds one operation and costs what a plain
/// write does.
///
/// One request's failure undoes only its own changes. Operations almost always fail before
/// writing anything (an unknown SID, a limit reached), and such a failure needs no undoing; an
/// operation that fails after writing rolls the whole transaction back, and the batch runs again
/// without it. A savepoint around every operation would give the same guarantee, but its two
/// extra statements per request were a measurable share of the writer's time, and the writer
/// is the one stage every request passes through in turn.
final class WriteBatcher: Sendable {
    private let writer: any DatabaseWriter
    private let maxBatch: Int
    private let state = Mutex(State())
    private let commits = Atomic<Int>(0)

    private struct State {
        var queue: [any PendingWrite] = []
        var draining = false
    }

    init(writer: any DatabaseWriter, maxBatch: Int = 512) {
        self.writer = writer
        self.maxBatch = maxBatch
    }

    /// Transactions committed so far: the WAL checkpointer skips its work while this stands still.
    var commitCount: Int { commits.load(ordering: .relaxed) }

    /// Operations waiting for the next batch (tests use it to line up a batch).
    var queuedCount: Int { state.withLock { $0.queue.count } }

    /// Runs `operation` in the next batch transaction and returns its result once that
    /// transaction has committed. An error thrown by `operation` undoes its changes only.
    ///
    /// The contract an operation must keep:
    /// - **It may run more than once.** When another operation of its batch fails after
    ///   writing, the transaction is rolled back and the batch runs again without that one, so
    ///   every other operation runs a second time. An operation must therefore do nothing but
    ///   database work on `db`, read what it decides on inside the transaction, and draw any
    ///   random value or time *before* calling `write` (as `VerificationStore.start` does), so a
    ///   second run decides the same. Side effects (delivering a message, logging) belong after
    ///   `write` returns.
    /// - It must not start a transaction or savepoint of its own, nor wait on another `write`.
    /// - Its result is delivered only after the commit: a caller never acts on a change that
    ///   could still be rolled back.
    func write<T: Sendable>(_ operation: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withUnsafeThrowingContinuation { continuation in
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

    /// Runs `operation` as ``write(_:)`` does, for an operation that must keep its changes and
    /// still fail (a wrong code's attempt counted, a verification expired on the way): it returns
    /// `.failure(error)` instead of throwing, its changes commit with the batch, and `error` is
    /// thrown to the caller after the commit. Throwing inside the operation undoes its changes;
    /// this is the one way to save and still say no.
    func writeKeeping<T: Sendable>(
        _ operation: @escaping @Sendable (Database) throws -> Result<T, any Error>
    ) async throws -> T {
        try await write(operation).get()
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
            run(batch, db)
        }
    }

    /// Runs `batch` in one transaction and reports to every caller.
    private func run(_ batch: [any PendingWrite], _ db: Database) {
        var batch = batch
        while !batch.isEmpty {
            var failedAfterWriting: Int?
            do {
                try Self.transaction(db) {
                    for (index, pending) in batch.enumerated() {
                        let changesBefore = db.totalChangesCount
                        if !pending.execute(db), db.totalChangesCount != changesBefore {
                            failedAfterWriting = index
                            return false
                        }
                    }
                    return true
                }
            } catch {
                for pending in batch { pending.finish(commitError: error) }
                return
            }
            guard let failedAfterWriting else {
                commits.add(1, ordering: .relaxed)
                for pending in batch { pending.finish(commitError: nil) }
                return
            }
            batch.remove(at: failedAfterWriting).finish(commitError: nil)
        }
    }

    /// A write transaction that commits when `body` returns true and rolls back otherwise.
    /// `Database.inTransaction` does the same, but compiles BEGIN and COMMIT afresh each time;
    /// here they are cached statements, as the writer runs thousands of batches a second.
    private static func transaction(_ db: Database, _ body: () throws -> Bool) throws {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        do {
            if try body() {
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                return
            }
        } catch {
            // An I/O or disk-full error may already have rolled the transaction back.
            if db.isInsideTransaction { try? db.rollback() }
            throw error
        }
        try db.rollback()
    }
}

private protocol PendingWrite: Sendable {
    /// Runs the operation; false if it threw.
    func execute(_ db: Database) -> Bool
    func finish(commitError: (any Error)?)
}

/// One queued operation. `result` is written by `execute` on the writer's thread and read by
/// `finish` after the write returned, never concurrently, hence the unchecked Sendable.
private final class Pending<T: Sendable>: PendingWrite, @unchecked Sendable {
    let operation: @Sendable (Database) throws -> T
    let continuation: UnsafeContinuation<T, any Error>
    var result: Result<T, any Error>?

    init(operation: @escaping @Sendable (Database) throws -> T, continuation: UnsafeContinuation<T, any Error>) {
        self.operation = operation
        self.continuation = continuation
    }

    func execute(_ db: Database) -> Bool {
        do {
            result = .success(try operation(db))
            return true
        } catch {
            result = .failure(error)
            return false
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
