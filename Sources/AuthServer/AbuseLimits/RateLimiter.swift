import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Sliding-window limits: at most `limit` events per key in `window`. In memory: limits
/// protect this process's Twilio budget, and a restart forgetting them is harmless.
final class RateLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let events = Mutex<[String: [TimeInterval]]>([:])

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Records an event for `key`, or returns the seconds to wait when the key is at its limit.
    func hit(_ key: String, now: Date) -> Int? {
        let time = now.timeIntervalSince1970
        return events.withLock { events in
            var recent = (events[key] ?? []).filter { $0 > time - window }
            if recent.count >= limit {
                events[key] = recent
                return max(1, Int((recent[0] + window - time).rounded(.up)))
            }
            recent.append(time)
            events[key] = recent
            if events.count > 50_000 {
                events = events.filter { $0.value.contains { $0 > time - window } }
            }
            return nil
        }
    }
}
