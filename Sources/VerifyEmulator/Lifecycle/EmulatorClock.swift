import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one clock behind code expiry and every limit window. It follows the system clock plus an
/// offset, or stands frozen at a set instant, so tests can expire a code without sleeping.
///
/// ```swift
/// let clock = EmulatorClock()
/// clock.advance(by: .seconds(601))   // every pending code is now expired
/// ```
public final class EmulatorClock: Sendable {
    private struct State {
        var offset: Duration = .zero
        var frozenAt: Date?
    }
    private let state = Mutex(State())

    public init() {}

    /// The emulator's current time.
    public func now() -> Date {
        state.withLock { state in
            if let frozen = state.frozenAt { return frozen }
            return Date().addingTimeInterval(state.offset.seconds)
        }
    }

    /// Moves the clock forward (or back, with a negative duration).
    public func advance(by duration: Duration) {
        state.withLock { state in
            if let frozen = state.frozenAt {
                state.frozenAt = frozen.addingTimeInterval(duration.seconds)
            } else {
                state.offset += duration
            }
        }
    }

    /// Sets the clock to an instant; it keeps running from there unless `frozen`.
    public func set(to date: Date, frozen: Bool = false) {
        state.withLock { state in
            if frozen {
                state.frozenAt = date
            } else {
                state.frozenAt = nil
                state.offset = .seconds(date.timeIntervalSinceNow)
            }
        }
    }

    /// Freezes the clock at its current reading.
    public func freeze() {
        state.withLock { state in
            if state.frozenAt == nil { state.frozenAt = Date().addingTimeInterval(state.offset.seconds) }
        }
    }

    /// Lets a frozen clock run again from where it stood.
    public func resume() {
        state.withLock { state in
            if let frozen = state.frozenAt {
                state.offset = .seconds(frozen.timeIntervalSinceNow)
                state.frozenAt = nil
            }
        }
    }

    public var isFrozen: Bool { state.withLock { $0.frozenAt != nil } }

    /// How far the clock is from the system clock: the offset it runs with, or, frozen, how far
    /// its standing instant is from now. Read from the state, not measured, so a clock that was
    /// never moved reads exactly zero.
    public var offset: Duration {
        state.withLock { state in
            if let frozen = state.frozenAt { return .seconds(frozen.timeIntervalSinceNow) }
            return state.offset
        }
    }
}

extension Duration {
    /// The duration as fractional seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Whole milliseconds, for the integer timestamps in storage.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension Date {
    /// Milliseconds since 1970, as stored in SQLite.
    var epochMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    init(epochMilliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(epochMilliseconds) / 1000)
    }
}
