import Foundation
import GRDB
import Logging
import Synchronization
import Testing

@testable import VerifyEmulator

/// The group commit's promise: operations batched into one transaction still succeed or fail
/// one by one, and a failed one leaves nothing behind.
@Suite("Write batcher")
struct WriteBatcherTests {
    struct Failure: Error, Equatable {
        var name: String
    }

    private func makeBatcher() throws -> (WriteBatcher, DatabaseQueue) {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE item (name TEXT NOT NULL UNIQUE)")
        }
        return (WriteBatcher(writer: queue), queue)
    }

    private func names(_ queue: DatabaseQueue) throws -> [String] {
        try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM item ORDER BY name") }
    }

    /// Holds the writer inside an operation, queues `operations` behind it one by one (so they
    /// run as one batch, in this order), then lets the writer go and returns their outcomes.
    private func batch<T: Sendable>(
        _ batcher: WriteBatcher, _ operations: [@Sendable (Database) throws -> T]
    ) async throws -> [Result<T, any Error>] {
        let started = Atomic<Bool>(false)
        let release = Atomic<Bool>(false)
        let holder = Task {
            try await batcher.write { db in
                try db.execute(sql: "INSERT INTO item (name) VALUES ('holder')")
                started.store(true, ordering: .releasing)
                while !release.load(ordering: .acquiring) { usleep(1000) }
            }
        }
        while !started.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(1)) }
        var tasks: [Task<T, any Error>] = []
        for (index, operation) in operations.enumerated() {
            tasks.append(Task { try await batcher.write(operation) })
            while batcher.queuedCount <= index { try await Task.sleep(for: .milliseconds(1)) }
        }
        release.store(true, ordering: .releasing)
        try await holder.value
        var results: [Result<T, any Error>] = []
        for task in tasks { results.append(await task.result) }
        return results
    }

    private static func insert(_ name: String) -> @Sendable (Database) throws -> String {
        { db in
            try db.execute(sql: "INSERT INTO item (name) VALUES (?)", arguments: [name])
            return name
        }
    }

    @Test("an operation that fails after writing is undone; the rest of its batch commits")
    func failureAfterWritingIsUndone() async throws {
        let (batcher, queue) = try makeBatcher()
        let results = try await batch(
            batcher,
            [
                Self.insert("a"),
                { @Sendable db in
                    _ = try Self.insert("b")(db)
                    throw Failure(name: "b")
                },
                Self.insert("c"),
            ])
        #expect(try results[0].get() == "a")
        #expect(throws: Failure(name: "b")) { try results[1].get() }
        #expect(try results[2].get() == "c")
        #expect(try names(queue) == ["a", "c", "holder"])
    }

    @Test("an operation that fails before writing costs its batch nothing")
    func failureBeforeWriting() async throws {
        let (batcher, queue) = try makeBatcher()
        // The second insert breaks the UNIQUE constraint: a failed statement changes nothing.
        let results = try await batch(batcher, [Self.insert("a"), Self.insert("a"), Self.insert("c")])
        #expect(try results[0].get() == "a")
        #expect(throws: DatabaseError.self) { try results[1].get() }
        #expect(try results[2].get() == "c")
        #expect(try names(queue) == ["a", "c", "holder"])
    }

    @Test("concurrent writes all commit, each reading what the ones before it wrote")
    func concurrentWritesSerialise() async throws {
        let (batcher, queue) = try makeBatcher()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await batcher.write { db in
                        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item")!
                        try db.execute(sql: "INSERT INTO item (name) VALUES (?)", arguments: ["\(index)-\(count)"])
                    }
                }
            }
            try await group.waitForAll()
        }
        let counts = try names(queue).map { Int($0.split(separator: "-")[1])! }.sorted()
        #expect(counts == Array(0..<200))
    }
}

@Suite("WAL checkpointer")
struct WALCheckpointerTests {
    @Test("checkpoints after commits, then releases memory once when writes stop")
    func checkpointsAndReleases() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.sqlite").path
        let writer = try EmulatorDatabase.open(path: path)
        let batcher = WriteBatcher(writer: writer)
        let releases = Atomic<Int>(0)
        let checkpointer = WALCheckpointer(
            path: path, logger: Logger(label: "test"), commitCount: { batcher.commitCount },
            releaseMemory: { releases.add(1, ordering: .relaxed) }, interval: .milliseconds(10),
            quietBeforeRelease: .milliseconds(100))
        let databaseSize = { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        func insertRows() async throws {
            try await batcher.write { db in
                try db.execute(sql: "CREATE TABLE IF NOT EXISTS filler (text TEXT)")
                for _ in 0..<200 {
                    try db.execute(
                        sql: "INSERT INTO filler VALUES (?)", arguments: [String(repeating: "x", count: 500)])
                }
            }
        }
        func waitFor(_ condition: () -> Bool) async throws {
            // generous: a passing run waits milliseconds, a loaded machine may need seconds
            let deadline = ContinuousClock.now + .seconds(60)
            while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        }

        try await insertRows()
        let sizeBefore = databaseSize()
        let running = Task { try await checkpointer.run() }
        defer { running.cancel() }
        // The rows reach the database file only through a checkpoint.
        try await waitFor { databaseSize() > sizeBefore && releases.load(ordering: .relaxed) == 1 }
        #expect(databaseSize() > sizeBefore)
        #expect(releases.load(ordering: .relaxed) == 1)
        // Nothing written since: no more checkpoints, no more releases.
        try await Task.sleep(for: .milliseconds(300))
        #expect(releases.load(ordering: .relaxed) == 1)
        // New commits wake it up again.
        let sizeAfterFirst = databaseSize()
        try await insertRows()
        try await waitFor { databaseSize() > sizeAfterFirst && releases.load(ordering: .relaxed) == 2 }
        #expect(databaseSize() > sizeAfterFirst)
        #expect(releases.load(ordering: .relaxed) == 2)
    }
}
