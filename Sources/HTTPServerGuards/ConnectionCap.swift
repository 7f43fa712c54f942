public import HummingbirdCore
public import Logging

/// At most ``limit`` open connections. At the limit the server stops accepting: new clients wait
/// in the listen backlog until a connection closes (idle ones are closed by the idle timeout), so
/// idle or slow sockets cannot take every file descriptor. Reaching the limit logs one warning,
/// and going back under it one notice, so an operator sees it without a line per connection.
///
/// ```swift
/// Application(router: router, configuration: .init(availableConnectionsDelegate: ConnectionCap(512, logger: logger)))
/// ```
public struct ConnectionCap: AvailableConnectionsDelegate {
    public let limit: Int
    let logger: Logger
    var open = 0
    var atLimit = false

    public init(_ limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    public mutating func connectionOpened() {
        open += 1
        if open >= limit, !atLimit {
            atLimit = true
            logger.warning(
                "connection limit reached: \(open) open (limit \(limit)); new connections wait until one closes")
        }
    }

    public mutating func connectionClosed() {
        open -= 1
        if atLimit, open < limit {
            atLimit = false
            logger.notice("below the connection limit again: \(open) open (limit \(limit))")
        }
    }

    public func isAcceptingNewConnections() -> Bool { open < limit }

    /// A default for a process allowed `descriptors` open files: room for the database, logs and
    /// outgoing connections is kept free, and never more than 4,096 nor fewer than 16.
    public static func defaultLimit(descriptors: Int) -> Int {
        min(4096, max(16, descriptors - 128))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ConnectionCap {
    /// ``defaultLimit(descriptors:)`` for this process's soft `RLIMIT_NOFILE`.
    public static var defaultLimit: Int {
        var limit = rlimit()
        #if canImport(Glibc)
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        #else
        guard getrlimit(RLIMIT_NOFILE, &limit) == 0 else { return 1024 }
        #endif
        return defaultLimit(descriptors: Int(clamping: limit.rlim_cur))
    }
}
