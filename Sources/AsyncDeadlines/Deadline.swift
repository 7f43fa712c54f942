import Synchronization

/// `body`'s result, or `timedOut()` thrown once `limit` has passed, whichever comes first.
///
/// The answer does not wait for `body` to finish: `body` runs in a task of its own, which is
/// cancelled when the deadline (or the caller's cancellation) wins and left to end by itself, so
/// work that ignores cancellation (a pool lease while it reconnects, a stalled download) cannot
/// hold its caller past the deadline. The deadline is kept by ``DeadlineTimer/shared``.
///
/// ```swift
/// let rows = try await withDeadline(.seconds(5), timedOut: { TimedOut() }) {
///     try await client.query(query)
/// }
/// ```
public func withDeadline<Value: Sendable>(
    _ limit: Duration, timedOut: @escaping @Sendable () -> any Error,
    _ body: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    let race = DeadlineRace<Value>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation, limit: limit, timedOut: timedOut, body: body)
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The state of one ``withDeadline(_:timedOut:_:)``: whichever comes first of the work's
/// result, the deadline, or the caller's cancellation resumes the caller, once; the others find
/// it done. The work is cancelled when it loses.
private final class DeadlineRace<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var work: Task<Void, Never>?
        var deadline: DeadlineTimer.Entry?
        var finished = false
        /// How the caller was answered before the race began (cancelled first).
        var early: Result<Value, any Error>?
    }
    private let state = Mutex(State())

    func start(
        _ continuation: CheckedContinuation<Value, any Error>, limit: Duration,
        timedOut: @escaping @Sendable () -> any Error, body: @escaping @Sendable () async throws -> Value
    ) {
        let early = state.withLock { state -> Result<Value, any Error>? in
            if state.finished { return state.early ?? .failure(CancellationError()) }
            state.continuation = continuation
            return nil
        }
        if let early {
            continuation.resume(with: early)
            return
        }
        let deadline = DeadlineTimer.shared.schedule(after: limit) { [self] in finish(.failure(timedOut())) }
        let work = Task {
            let result: Result<Value, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            self.finish(result)
        }
        let over = state.withLock { state -> Bool in
            guard !state.finished else { return true }
            state.work = work
            state.deadline = deadline
            return false
        }
        if over {
            DeadlineTimer.shared.cancel(deadline)
            work.cancel()
        }
    }

    /// Resumes the caller with `result` unless something else already did; the loser's work is
    /// cancelled, the deadline forgotten.
    func finish(_ result: Result<Value, any Error>) {
        let (continuation, work, deadline) = state.withLock { state in
            guard !state.finished else {
                return (CheckedContinuation<Value, any Error>?.none, Task<Void, Never>?.none, DeadlineTimer.Entry?.none)
            }
            state.finished = true
            if state.continuation == nil { state.early = result }
            defer {
                state.continuation = nil
                state.work = nil
                state.deadline = nil
            }
            return (state.continuation, state.work, state.deadline)
        }
        if let deadline { DeadlineTimer.shared.cancel(deadline) }
        if case .failure = result { work?.cancel() }
        continuation?.resume(with: result)
    }
}

/// `body`'s result; once `limit` has passed `body` is cancelled and, when it has ended,
/// `timedOut()` is thrown instead of whatever its cancellation made it throw.
///
/// Unlike ``withDeadline(_:timedOut:_:)`` this waits for `body` to end, so nothing it started
/// outlives the call: for work that honours cancellation promptly (an HTTP exchange, whose
/// connection its cancellation closes) and whose leftovers would otherwise hold resources (a
/// pooled connection) after the caller moved on. The deadline is kept by ``DeadlineTimer/shared``.
///
/// ```swift
/// let answer = try await cancellingAtDeadline(.seconds(10), timedOut: { ClientError.timeout }) {
///     try await http.execute(request)
/// }
/// ```
public func cancellingAtDeadline<Value: Sendable>(
    _ limit: Duration, timedOut: @escaping @Sendable () -> any Error,
    _ body: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    let work = Task { try await body() }
    let expired = Mutex(false)
    let deadline = DeadlineTimer.shared.schedule(after: limit) {
        expired.withLock { $0 = true }
        work.cancel()
    }
    defer { DeadlineTimer.shared.cancel(deadline) }
    do {
        return try await withTaskCancellationHandler {
            try await work.value
        } onCancel: {
            work.cancel()
        }
    } catch {
        if expired.withLock({ $0 }) { throw timedOut() }
        throw error
    }
}
