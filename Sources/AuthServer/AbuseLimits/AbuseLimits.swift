import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
                status: .tooManyRequests, message: "Too many requests; try again in \(wait) seconds",
                headers: [.retryAfter: String(wait)])
        }
    }
}
