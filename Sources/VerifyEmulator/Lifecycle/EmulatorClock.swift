import Synchronization
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The clock behind code expiry and every limit window. It follows the system clock plus an
/// offset, or stands frozen at a set instant, so tests can expire a code without sleeping.
///
/// Each account may have a clock of its own, for test suites whose parallel workers share one
/// emulator (each on its own account): it runs at the global clock plus its own offset, or stands
/// frozen, and moving it moves nothing else. Code serving an account's request reads that
/// account's clock through ``now()``: the auth middleware sets ``account`` for the request's task,
/// so the stores need no account parameter to read the right time.
///
/// ```swift
/// let clock = EmulatorClock()
/// clock.advance(by: .seconds(601))                     // every pending code is now expired
/// clock.advance(by: .seconds(601), account: worker)    // only `worker`'s codes are
/// ```
public final class EmulatorClock: Sendable {
    private struct Setting {
        var offset: Duration = .zero
        var frozenAt: Date?
    }
    private struct State {
        var global = Setting()
        /// Offsets are relative to the global clock's reading.
        var accounts: [SID: Setting] = [:]

        func now(_ account: SID?) -> Date {
            let global = self.global.frozenAt ?? Date().addingTimeInterval(self.global.offset.seconds)
            guard let account, let own = accounts[account] else { return global }
            return own.frozenAt ?? global.addingTimeInterval(own.offset.seconds)
        }
    }
    private let state = Mutex(State())

    /// The account whose request is being served, set for the request's task by the auth
    /// middleware; nil reads the global clock.
    @TaskLocal public static var account: SID?

    public init() {}

    /// The current time of the account being served (``account``), or the global clock's.
    public func now() -> Date { now(for: Self.account) }

    /// The current time of `account`'s clock (the global one when it has none, or for nil).
    public func now(for account: SID?) -> Date {
        state.withLock { $0.now(account) }
    }

    /// The earliest time any clock reads: rows are pruned only once they are old by every
    /// clock, so moving one account's clock never prunes another's rows.
    public func earliestNow() -> Date {
        state.withLock { state in
            state.accounts.keys.reduce(state.now(nil)) { min($0, state.now($1)) }
        }
    }

    /// Moves the clock (`account`'s only, when given) forward, or back with a negative duration.
    public func advance(by duration: Duration, account: SID? = nil) {
        state.withLock { state in
            Self.change(&state, account) { setting in
                if let frozen = setting.frozenAt {
                    setting.frozenAt = frozen.addingTimeInterval(duration.seconds)
                } else {
                    setting.offset += duration
                }
            }
        }
    }

    /// Sets the clock to an instant; it keeps running from there unless `frozen`.
    public func set(to date: Date, frozen: Bool = false, account: SID? = nil) {
        state.withLock { state in
            let base = account == nil ? Date() : state.now(nil)
            Self.change(&state, account) { setting in
                setting.frozenAt = frozen ? date : nil
                if !frozen { setting.offset = .seconds(date.timeIntervalSince(base)) }
            }
        }
    }

    /// Freezes the clock at its current reading.
    public func freeze(account: SID? = nil) {
        state.withLock { state in
            let reading = state.now(account)
            Self.change(&state, account) { setting in
                if setting.frozenAt == nil { setting.frozenAt = reading }
            }
        }
    }

    /// Lets a frozen clock run again from where it stood.
    public func resume(account: SID? = nil) {
        state.withLock { state in
            let base = account == nil ? Date() : state.now(nil)
            Self.change(&state, account) { setting in
                if let frozen = setting.frozenAt {
                    setting.offset = .seconds(frozen.timeIntervalSince(base))
                    setting.frozenAt = nil
                }
            }
        }
    }

    /// Drops `account`'s own clock: it follows the global clock again.
    public func forget(account: SID) {
        _ = state.withLock { $0.accounts.removeValue(forKey: account) }
    }

    /// Whether the clock (`account`'s, when given) stands still.
    public func isFrozen(account: SID? = nil) -> Bool {
        state.withLock { state in
            if let account, state.accounts[account]?.frozenAt != nil { return true }
            return state.global.frozenAt != nil
        }
    }

    public var isFrozen: Bool { isFrozen() }

    /// How far the clock (`account`'s, when given) is from the system clock: the offset it
    /// runs with, or, frozen, how far its standing instant is from now. Read from the state, not
    /// measured, so a clock that was never moved reads exactly zero.
    public func offset(account: SID? = nil) -> Duration {
        state.withLock { state in
            let global = state.global.frozenAt.map { Duration.seconds($0.timeIntervalSinceNow) } ?? state.global.offset
            guard let account, let own = state.accounts[account] else { return global }
            if let frozen = own.frozenAt { return .seconds(frozen.timeIntervalSinceNow) }
            return global + own.offset
        }
    }

    public var offset: Duration { offset() }

    private static func change(_ state: inout State, _ account: SID?, _ body: (inout Setting) -> Void) {
        if let account {
            body(&state.accounts[account, default: Setting()])
        } else {
            body(&state.global)
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
