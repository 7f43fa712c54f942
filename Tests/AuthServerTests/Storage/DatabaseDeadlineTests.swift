import Testing

@testable import AuthServer

/// `PostgresDatabase.within` is `withDeadline` (AsyncDeadlines, whose tests cover work that
/// ignores its cancellation) with the database's own error.
@Suite("Auth server: a database call's deadline")
struct DatabaseDeadlineTests {
    @Test("past the deadline the call is TimedOut; a result, an error or the caller's cancellation passes through")
    func deadline() async throws {
        await #expect(throws: PostgresDatabase.TimedOut.self) {
            try await PostgresDatabase.within(.milliseconds(100)) { () async throws -> Int in
                try await Task.sleep(for: .seconds(30))
                return 0
            }
        }
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
