import Synchronization
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The last requests to the Twilio API (`/v2`), newest first, kept in memory: it is a debugging
/// aid, not state, so it is not stored and a restart clears it.
///
/// Every Twilio request is recorded and few are ever read, so an entry is kept as it was
/// measured and turned into text (the date) only when it is read.
final class RequestLog: Sendable {
    /// One request as recorded.
    struct Record: Sendable {
        var requestId: String
        var method: String
        var path: String
        var status: Int
        var error: TwilioError?
        /// The recipient the request named (``RequestNotes``).
        var to: String?
        /// Epoch milliseconds on the emulator's clock.
        var at: Int64
        var durationMs: Double

        var entry: RequestLogEntry {
            RequestLogEntry(
                requestId: requestId, method: method, path: path, status: status, errorCode: error?.code,
                hint: error?.hint, to: to,
                date: TwilioDate.format(Date(epochMilliseconds: at)), durationMs: durationMs)
        }
    }

    private struct Ring {
        var entries: [Record] = []
        var next = 0
    }
    private let ring = Mutex(Ring())
    let capacity: Int

    init(capacity: Int = 1000) {
        self.capacity = capacity
    }

    func record(_ entry: Record) {
        ring.withLock { ring in
            if ring.entries.count < capacity {
                ring.entries.append(entry)
            } else {
                ring.entries[ring.next] = entry
            }
            ring.next = (ring.next + 1) % capacity
        }
    }

    func recent(limit: Int, errorsOnly: Bool = false) -> [RequestLogEntry] {
        ring.withLock { ring in
            let count = ring.entries.count
            var result: [RequestLogEntry] = []
            var index = (ring.next - 1 + count) % max(count, 1)
            for _ in 0..<count {
                let entry = ring.entries[index]
                if !errorsOnly || entry.status >= 400 { result.append(entry.entry) }
                if result.count == limit { break }
                index = (index - 1 + count) % count
            }
            return result
        }
    }

    func clear() {
        ring.withLock { $0 = Ring() }
    }
}
