import GRDB
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Another process's hold on a SQLite file's write lock (`BEGIN IMMEDIATE`), for testing what a
/// server answers while its database is locked: taken by ``hold(path:)``, kept on GRDB's thread
/// (never a cooperative one) until ``release()``.
///
/// ```swift
/// let lock = try await SQLiteWriteLock.hold(path: path)
/// // requests that write now wait out the busy timeout
/// try await lock.release()
/// ```
public final class SQLiteWriteLock: Sendable {
    private let released = Atomic<Bool>(false)
    private let holding = Atomic<Bool>(false)
    private let failed = Atomic<Bool>(false)
    private let holder = Mutex<Task<Void, any Error>?>(nil)

    private init() {}

    /// Returns once another connection holds the write lock of the database at `path`.
    public static func hold(path: String) async throws -> SQLiteWriteLock {
        let lock = SQLiteWriteLock()
        // the server may be writing at this moment (its sweeper, a request): wait for it
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let task = Task {
            do {
                try await queue.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        lock.holding.store(true, ordering: .releasing)
                        while !lock.released.load(ordering: .acquiring) { usleep(1000) }
                        return .rollback
                    }
                }
            } catch {
                lock.failed.store(true, ordering: .releasing)
                throw error
            }
        }
        lock.holder.withLock { $0 = task }
        while !lock.holding.load(ordering: .acquiring) {
            // the lock could not be taken: its error, not a wait for ever
            if lock.failed.load(ordering: .acquiring) { try await task.value }
            try await Task.sleep(for: .milliseconds(1))
        }
        return lock
    }

    /// Lets the lock go (the transaction rolls back: nothing changes) and waits until it has.
    public func release() async throws {
        released.store(true, ordering: .releasing)
        try await holder.withLock { $0 }?.value
    }
}
