import Synchronization
import Testing

@testable import AuthServer

@Suite("Auth server: a database call's deadline")
struct DeadlineRaceTests {
    @Test("work that ignores cancellation still answers TimedOut at the deadline, not when it ends")
    func stubbornWork() async throws {
        let ended = Mutex(false)
        await #expect(throws: PostgresDatabase.TimedOut.self) {
            try await PostgresDatabase.within(.milliseconds(200)) {
                // a lease that does not hear the cancellation: sleeps on, ignoring it (a detached
                // task's value does not pass the cancellation on; a loop of `try? await
                // Task.sleep` would spin, each sleep thrown at once once cancelled)
                await Task.detached { try? await Task.sleep(for: .seconds(10)) }.value
                ended.withLock { $0 = true }
                return 1
            }
        }
        // the body runs 10 s: had the answer waited for it, it would have ended (a wall-clock bound
        // is no proof here: under the whole suite on two cores the timer itself may wake seconds late)
        #expect(ended.withLock { $0 } == false)
    }

    @Test("a result or an error within the deadline is passed through; the caller's cancellation ends the wait")
    func passThrough() async throws {
        #expect(try await PostgresDatabase.within(.seconds(5)) { 42 } == 42)
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await PostgresDatabase.within(.seconds(5)) { () async throws -> Int in throw Refused() }
        }
        let waiting = Task {
            try await PostgresDatabase.within(.seconds(30)) { () async throws -> Int in
                try await Task.sleep(for: .seconds(30))
                return 0
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        let started = ContinuousClock.now
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(ContinuousClock.now - started < .seconds(20), "the body's 30 s were not waited for")
    }
}
