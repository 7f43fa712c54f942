import Dispatch
import GRDB
import Logging
import ServiceLifecycle

/// Copies the WAL back into the database file in the background, every 50 ms, on a
/// connection of its own. A PASSIVE checkpoint does not take the write lock, so requests keep
/// committing while it runs; SQLite's own auto-checkpoint would instead run inside a commit and
/// stall every writer behind it (it showed as p99 spikes in the benchmark). On shutdown a last
/// TRUNCATE checkpoint leaves a compact database file.
///
/// While nothing is written it only reads the writer's commit count; after a busy spell has been
/// quiet for a second it hands the memory the load left behind back to the system, so an idle
/// emulator stays small.
struct WALCheckpointer: Service {
    let path: String
    let logger: Logger
    /// The writer's commit count (``WriteBatcher/commitCount``).
    let commitCount: @Sendable () -> Int
    /// Gives cached memory back (SQLite's caches, the allocator's free pages). It may block (GRDB
    /// waits for every reader), so it runs on a thread of its own, never on the cooperative pool:
    /// a 2-core machine has two cooperative threads, and two emulators blocked on them at once
    /// left nothing to finish the reads they were waiting for.
    let releaseMemory: @Sendable () -> Void
    var interval: Duration = .milliseconds(50)
    var quietBeforeRelease: Duration = .seconds(1)

    func run() async throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        await cancelWhenGracefulShutdown {
            var checkpointed = -1
            var quietSince = ContinuousClock.now
            var released = true
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    break
                }
                let commits = commitCount()
                guard commits != checkpointed else {
                    if !released, ContinuousClock.now - quietSince >= quietBeforeRelease {
                        // This connection's cache holds the pages the checkpoints copied.
                        try? await connection.writeWithoutTransaction { $0.releaseMemory() }
                        await withCheckedContinuation { done in
                            DispatchQueue.global().async {
                                releaseMemory()
                                done.resume()
                            }
                        }
                        released = true
                    }
                    continue
                }
                do {
                    _ = try await connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
                    checkpointed = commits
                } catch {
                    logger.warning("WAL checkpoint failed: \(error)")
                }
                quietSince = ContinuousClock.now
                released = false
            }
        }
        do {
            _ = try await connection.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        } catch {
            logger.warning("final WAL checkpoint failed: \(error)")
        }
    }
}
