import Synchronization

/// One timer for the deadlines of many short operations (database queries, calls to Verify).
///
/// A deadline per call made with `Task.sleep` costs a task, a timer armed on Dispatch's manager
/// thread and two thread switches, for a deadline that almost never fires: under a login load
/// that was a tenth of the auth server's CPU. Here a deadline is an entry in a table, and one
/// task, running only while any entry waits, wakes every `tick` and fires those that are due. A
/// deadline therefore fires up to one tick late, which for limits of seconds does not matter.
///
/// ```swift
/// let entry = DeadlineTimer.shared.schedule(after: .seconds(5)) { print("too late") }
/// DeadlineTimer.shared.cancel(entry)  // the work ended first
/// ```
public final class DeadlineTimer: Sendable {
    /// The process's timer, ticking every 25 ms while any deadline waits.
    public static let shared = DeadlineTimer(tick: .milliseconds(25))

    /// A scheduled deadline, for ``cancel(_:)``.
    public struct Entry: Sendable, Hashable {
        fileprivate let id: UInt64
    }

    private struct Waiting {
        var due: ContinuousClock.Instant
        var expire: @Sendable () -> Void
    }

    private struct State {
        var nextID: UInt64 = 0
        var waiting: [UInt64: Waiting] = [:]
        var ticking = false
    }

    private let tick: Duration
    private let state = Mutex(State())

    public init(tick: Duration) {
        self.tick = tick
    }

    /// Calls `expire` once `limit` has passed (within one tick after), unless ``cancel(_:)``
    /// comes first. `expire` runs on the timer's task: it must be quick and must not block.
    public func schedule(after limit: Duration, _ expire: @escaping @Sendable () -> Void) -> Entry {
        let due = ContinuousClock.now + limit
        let (entry, startTicking) = state.withLock { state in
            state.nextID &+= 1
            state.waiting[state.nextID] = Waiting(due: due, expire: expire)
            defer { state.ticking = true }
            return (Entry(id: state.nextID), !state.ticking)
        }
        if startTicking { Task { await self.run() } }
        return entry
    }

    /// Forgets `entry`: its `expire` is not called (unless it already was).
    public func cancel(_ entry: Entry) {
        _ = state.withLock { $0.waiting.removeValue(forKey: entry.id) }
    }

    /// Fires what is due every tick, until nothing waits.
    private func run() async {
        while true {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let due = state.withLock { state -> [@Sendable () -> Void]? in
                if state.waiting.isEmpty {
                    state.ticking = false
                    return nil
                }
                let ids = state.waiting.filter { $0.value.due <= now }.map(\.key)
                return ids.compactMap { state.waiting.removeValue(forKey: $0)?.expire }
            }
            guard let due else { return }
            for expire in due { expire() }
        }
    }
}
