import Synchronization

/// A one-shot signal with a timeout.
final class MessageWaiter: Sendable {
    let filter: Outbox.Query
    private struct State {
        var fired = false
        var continuation: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    init(filter: Outbox.Query) {
        self.filter = filter
    }

    func fire() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.fired = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume()
    }

    /// Returns when fired, when `timeout` passes, or when the task is cancelled.
    func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let firedAlready = self.state.withLock { state in
                            if state.fired { return true }
                            state.continuation = continuation
                            return false
                        }
                        if firedAlready { continuation.resume() }
                    }
                } onCancel: {
                    self.fire()
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
            }
            await group.next()
            group.cancelAll()
        }
    }
}
