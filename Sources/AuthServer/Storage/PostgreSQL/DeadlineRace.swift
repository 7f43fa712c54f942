import Synchronization

/// The state of one ``PostgresDatabase/within(_:_:)``: whichever comes first of the work's
/// result, the deadline, or the caller's cancellation resumes the caller, once; the others
/// find it done. The work is cancelled when it loses, and left to end on its own.
final class DeadlineRace<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var work: Task<Value, any Error>?
        var timer: Task<Void, Never>?
        var finished: Result<Value, any Error>?
    }
    private let state = Mutex(State())

    /// Starts the race for `work`, with `limit` before ``PostgresDatabase/TimedOut``.
    func start(_ continuation: CheckedContinuation<Value, any Error>, work: Task<Value, any Error>, limit: Duration) {
        let early = state.withLock { state -> Result<Value, any Error>? in
            if let finished = state.finished { return finished }  // cancelled before it began
            state.continuation = continuation
            state.work = work
            return nil
        }
        if let early {
            work.cancel()
            continuation.resume(with: early)
            return
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            if !Task.isCancelled { self.finish(.failure(PostgresDatabase.TimedOut())) }
        }
        Task {
            let result: Result<Value, any Error>
            do { result = .success(try await work.value) } catch { result = .failure(error) }
            self.finish(result)
        }
        let alreadyOver = state.withLock { state -> Bool in
            guard state.finished == nil else { return true }
            state.timer = timer
            return false
        }
        if alreadyOver { timer.cancel() }
    }

    /// Resumes the caller with `result` unless something else already did.
    func finish(_ result: Result<Value, any Error>) {
        let (continuation, work, timer) = state.withLock { state in
            guard state.finished == nil else {
                return (
                    CheckedContinuation<Value, any Error>?.none, Task<Value, any Error>?.none, Task<Void, Never>?.none
                )
            }
            state.finished = result
            defer { state.continuation = nil }
            return (state.continuation, state.work, state.timer)
        }
        timer?.cancel()
        if case .failure = result { work?.cancel() }
        continuation?.resume(with: result)
    }
}
