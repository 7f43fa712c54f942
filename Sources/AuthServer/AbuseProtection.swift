import Hummingbird
import HummingbirdAuth
import NIOCore
import Synchronization
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The auth server's request context: Hummingbird's, plus the client's address, and for the web
/// pages the browser session, the posted form and the signed-in account.
public struct AuthRequestContext: RequestContext, RemoteAddressRequestContext, SessionRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public let sessions = SessionContext<WebSession>()
    var form = FormData()
    var account: Account?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP: the connection's peer, or with `trustProxy` the first
    /// `X-Forwarded-For` entry (only behind a proxy that sets it).
    func clientIP(_ request: Request, trustProxy: Bool) -> String {
        if trustProxy, let forwarded = request.headers[.init("X-Forwarded-For")!],
            let first = forwarded.split(separator: ",").first
        {
            return String(String(first).trimmingWhitespace())
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }
}

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

/// The limits on sending codes and checking them, per phone number and per client IP.
struct AbuseLimits: Sendable {
    let sendPerPhone: RateLimiter
    let sendPerIP: RateLimiter
    let verifyPerPhone: RateLimiter
    let verifyPerIP: RateLimiter
    /// Password logins per login name, and per client IP.
    let loginPerAccount: RateLimiter
    let loginPerIP: RateLimiter

    init(configuration: AuthConfiguration) {
        let window = Double(configuration.limitWindow.components.seconds)
        sendPerPhone = RateLimiter(limit: configuration.sendLimitPerPhone, window: window)
        sendPerIP = RateLimiter(limit: configuration.sendLimitPerIP, window: window)
        verifyPerPhone = RateLimiter(limit: configuration.verifyLimitPerPhone, window: window)
        verifyPerIP = RateLimiter(limit: configuration.verifyLimitPerIP, window: window)
        loginPerAccount = RateLimiter(limit: configuration.loginLimitPerAccount, window: window)
        loginPerIP = RateLimiter(limit: configuration.loginLimitPerIP, window: window)
    }

    /// Throws 429 with `Retry-After` when either limit is reached.
    static func check(
        _ phoneLimiter: RateLimiter, _ ipLimiter: RateLimiter, phone: String, ip: String, now: Date
    )
        throws
    {
        if let wait = ipLimiter.hit(ip, now: now) ?? phoneLimiter.hit(phone, now: now) {
            throw APIError(
                status: .tooManyRequests, body: ["message": "Too many requests; try again in \(wait) seconds"],
                headers: [.retryAfter: String(wait)])
        }
    }
}
