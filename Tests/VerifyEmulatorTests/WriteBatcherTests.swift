import Foundation
import GRDB
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
