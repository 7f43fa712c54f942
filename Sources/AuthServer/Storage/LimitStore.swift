import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The limits' counters, in the database: they survive a restart, and every replica that uses
/// the same database counts the same events, so a client cannot multiply its budget by
/// spreading requests over processes or by waiting for a deploy.
///
/// A key (a phone number, an email, an IP address) is stored as a SHA-256 digest
/// (``LimitKey/digest(_:)``): the table answers "how often lately", never "who asked". Each hit
/// deletes its key's expired entries; ``sweep(now:longestWindow:)`` removes those of keys not
/// seen again.
protocol LimitStore: Sendable {
    /// Records one event for each `(limit, key)` in order, in one transaction, and stops at the
    /// first limit that is reached: it returns the seconds until that key may try again, nil when
    /// every limit admitted the event. A refused event is not counted against the later limits.
    func hit(_ checks: [(RateLimit, String)], now: Date) async throws -> Int?

    /// Deletes every hit older than the longest window.
    func sweep(now: Date, longestWindow: Double) async throws
}

enum LimitKey {
    /// How a limit's key is stored.
    static func digest(_ key: String) -> Data {
        Data(SHA256.hash(data: Data(key.utf8)))
    }
}
