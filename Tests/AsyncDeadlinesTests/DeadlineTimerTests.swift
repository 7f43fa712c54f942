import AsyncDeadlines
import Synchronization
import Testing

@Suite("One timer for many deadlines")
struct DeadlineTimerTests {
    @Test("a deadline fires once, not before its time; a cancelled one never fires")
    func firesAndCancels() async throws {
        let timer = DeadlineTimer(tick: .milliseconds(10))
        let fired = Mutex<[Int]>([])
        let started = ContinuousClock.now
        let firedAt = Mutex<ContinuousClock.Instant?>(nil)
        _ = timer.schedule(after: .milliseconds(100)) {
            fired.withLock { $0.append(1) }
            firedAt.withLock { $0 = ContinuousClock.now }
        }
        let cancelled = timer.schedule(after: .milliseconds(50)) { fired.withLock { $0.append(2) } }
        timer.cancel(cancelled)
        for _ in 0..<200 where fired.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(100))
        #expect(fired.withLock { $0 } == [1])
        #expect(try #require(firedAt.withLock { $0 }) - started >= .milliseconds(100))
    }

    @Test("a thousand deadlines at once each fire once; the timer starts again after going idle")
    func many() async throws {
        let timer = DeadlineTimer(tick: .milliseconds(10))
        let count = Mutex(0)
        for index in 0..<1000 {
            _ = timer.schedule(after: .milliseconds(Int64(index % 50))) { count.withLock { $0 += 1 } }
        }
        for _ in 0..<300 where count.withLock({ $0 }) < 1000 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(count.withLock { $0 } == 1000)
        try await Task.sleep(for: .milliseconds(50))  // nothing waits: the ticking task has ended
        _ = timer.schedule(after: .milliseconds(10)) { count.withLock { $0 += 1 } }
        for _ in 0..<300 where count.withLock({ $0 }) < 1001 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(count.withLock { $0 } == 1001)
    }

    @Test("withDeadline answers the body's result, its error, or the deadline's error without waiting for the body")
    func race() async throws {
        #expect(try await withDeadline(.seconds(5), timedOut: { Late() }) { 7 } == 7)
        await #expect(throws: Refused.self) {
            try await withDeadline(.seconds(5), timedOut: { Late() }) { () async throws -> Int in throw Refused() }
        }
        let ended = Mutex(false)
        await #expect(throws: Late.self) {
            try await withDeadline(.milliseconds(100), timedOut: { Late() }) { () async -> Int in
                // ignores its cancellation: a detached task's value does not pass it on (a loop of
                // `try? await Task.sleep` would spin, each sleep thrown at once once cancelled)
                await Task.detached { try? await Task.sleep(for: .seconds(60)) }.value
                ended.withLock { $0 = true }
                return 0
            }
        }
        // had the answer waited for the body, it would have ended (a wall-clock bound is no
        // proof: under the whole suite on two cores a timer may wake seconds late)
        #expect(ended.withLock { $0 } == false)
    }

    @Test("cancellingAtDeadline cancels the body at the deadline, waits for it, and throws the deadline's error")
    func cancelling() async throws {
        #expect(try await cancellingAtDeadline(.seconds(5), timedOut: { Late() }) { 7 } == 7)
        await #expect(throws: Refused.self) {
            try await cancellingAtDeadline(.seconds(5), timedOut: { Late() }) { () async throws -> Int in
                throw Refused()
            }
        }
        let ended = Mutex(false)
        await #expect(throws: Late.self) {
            try await cancellingAtDeadline(.milliseconds(100), timedOut: { Late() }) { () async throws -> Int in
                defer { ended.withLock { $0 = true } }
                try await Task.sleep(for: .seconds(60))
                return 0
            }
        }
        #expect(ended.withLock { $0 } == true, "the body had ended when the call returned")
    }

    struct Late: Error {}
    struct Refused: Error {}
}
