import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import AuthServer

/// The breaker's counting between writes: what a failed write keeps, and what a shutdown writes.
@Suite struct SMSCountryTallyTests {
    struct Refused: Error {}

    /// The batches a tally wrote, and whether the next write fails.
    final class Database: Sendable {
        let written = Mutex<[[SMSCountryTally.Minute: SMSCountryStore.Figures]]>([])
        let failNext = Mutex(false)

        func tally(interval: Duration) -> SMSCountryTally {
            SMSCountryTally(
                interval: interval, logger: Logger(label: "test"),
                write: { counts in
                    if self.failNext.withLock({ fail in
                        defer { fail = false }
                        return fail
                    }) {
                        throw Refused()
                    }
                    self.written.withLock { $0.append(counts) }
                },
                read: { countries, _ in
                    let sends = self.written.withLock { $0.flatMap(\.values).map(\.sends).reduce(0, +) }
                    return Dictionary(
                        uniqueKeysWithValues: countries.map { ($0, .init(figures: .init(sends: sends, verified: 0))) })
                })
        }

        var total: SMSCountryStore.Figures {
            written.withLock { batches in
                batches.flatMap(\.values).reduce(into: .init(sends: 0, verified: 0)) {
                    $0.sends += $1.sends
                    $0.verified += $1.verified
                }
            }
        }
    }

    @Test("a write that fails answers its waiting send with the error and keeps the counts for the next write")
    func failedWrite() async throws {
        let database = Database()
        let tally = database.tally(interval: .zero)
        tally.add("FR", time: 60, sent: false)
        try await tally.flush()
        database.failNext.withLock { $0 = true }
        await #expect(throws: Refused.self) { try await tally.send(to: "GB", time: 61) }
        #expect(database.total == .init(sends: 0, verified: 1))
        // the refused batch's send is written with the next one, once
        let reading = try await tally.send(to: "GB", time: 62)
        #expect(reading.figures == .init(sends: 2, verified: 0))
        #expect(database.total == .init(sends: 2, verified: 1))
        #expect(database.written.withLock { $0.last?[.init(country: "GB", minute: 1)] } == .init(sends: 2, verified: 0))
    }

    @Test("a graceful shutdown writes the counts still waiting for their interval")
    func shutdown() async throws {
        let database = Database()
        let tally = database.tally(interval: .seconds(30))
        // the first batch goes at once; the next waits for the interval, which a shutdown cuts short
        try await tally.flush()
        tally.add("FR", time: 60, sent: true)
        tally.add("FR", time: 61, sent: false)
        let group = ServiceGroup(configuration: .init(services: [tally], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(50))
            #expect(database.total == .init(sends: 0, verified: 0))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(database.total == .init(sends: 1, verified: 1))
    }
}
