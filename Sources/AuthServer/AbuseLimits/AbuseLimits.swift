import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The limits on sending codes, checking them and password logins, per recipient (or login
/// name) and per client IP, counted in the database (``LimitStore``).
struct AbuseLimits: Sendable {
    let sendPerRecipient: RateLimit
    let sendPerIP: RateLimit
    let verifyPerRecipient: RateLimit
    let verifyPerIP: RateLimit
    /// Password logins per login name, and per client IP.
    let loginPerAccount: RateLimit
    let loginPerIP: RateLimit
    /// Registrations per client IP (each costs a password hash).
    let registerPerIP: RateLimit
    /// Caps on SMS sends per number prefix, and for the whole service per hour.
    let sendPerPrefix: [(cap: SMSGateSettings.PrefixLimit, limit: RateLimit)]
    let sendGlobal: RateLimit?
    let store: LimitStore
    /// The countries served and the pumping breaker.
    let sms: SMSGate

    init(configuration: AuthConfiguration, store: LimitStore, sms: SMSGate) {
        let window = Double(configuration.limitWindow.components.seconds)
        sendPerRecipient = RateLimit(kind: .sendPerRecipient, limit: configuration.sendLimitPerPhone, window: window)
        sendPerIP = RateLimit(kind: .sendPerIP, limit: configuration.sendLimitPerIP, window: window)
        verifyPerRecipient = RateLimit(
            kind: .verifyPerRecipient, limit: configuration.verifyLimitPerPhone, window: window)
        verifyPerIP = RateLimit(kind: .verifyPerIP, limit: configuration.verifyLimitPerIP, window: window)
        loginPerAccount = RateLimit(kind: .loginPerAccount, limit: configuration.loginLimitPerAccount, window: window)
        loginPerIP = RateLimit(kind: .loginPerIP, limit: configuration.loginLimitPerIP, window: window)
        registerPerIP = RateLimit(kind: .registerPerIP, limit: configuration.registerLimitPerIP, window: window)
        sendPerPrefix = configuration.smsGate.prefixLimits.map {
            ($0, RateLimit(kind: .sendPerPrefix, limit: $0.limit, window: window))
        }
        sendGlobal = configuration.smsGate.globalPerHour.map { RateLimit(kind: .sendGlobal, limit: $0, window: 3600) }
        self.store = store
        self.sms = sms
    }

    /// The longest window of any limit, for sweeping.
    var longestWindow: Double {
        ([sendPerRecipient, sendPerIP, verifyPerRecipient, verifyPerIP, loginPerAccount, loginPerIP, registerPerIP]
            + sendPerPrefix.map(\.limit) + [sendGlobal].compactMap { $0 })
            .map(\.window).max()
            ?? 0
    }

    /// Counts a send of a code to `recipient` from `ip` (and, to a phone number, under its
    /// prefixes and for the whole service); the seconds to wait when refused.
    func send(to recipient: String, ip: String, now: Date) async throws -> Int? {
        var checks = [(sendPerIP, ip), (sendPerRecipient, recipient)]
        if recipient.hasPrefix("+") {
            checks += sendPerPrefix.compactMap { cap, limit in cap.key(for: recipient).map { (limit, $0) } }
            if let sendGlobal { checks.append((sendGlobal, "all")) }
        }
        return try await store.hit(checks, now: now)
    }

    /// What ``admitSMS(to:ip:now:)`` let through: a paid Verify send, or a review number's
    /// fixed code, which costs nothing and never reaches Twilio.
    enum SMSAdmission: Sendable, Equatable {
        case paid
        case reviewNumber
    }

    /// The one path of every code by SMS before Verify is asked, on the JSON API and the pages:
    /// a review number within its per-number and per-IP limits; any other number through the
    /// SMS gate (``SMSGate``: its country, then the limits with its prefix and service caps, then
    /// the breaker). Throws the ``SMSRefusal``.
    func admitSMS(to phone: String, ip: String, now: Date) async throws -> SMSAdmission {
        if sms.settings.reviewNumbers.contains(phone) {
            if let wait = try await sendUnpaid(to: phone, ip: ip, now: now) {
                throw SMSRefusal.limited(retryAfter: wait)
            }
            return .reviewNumber
        }
        try sms.checkCountry(phone)
        if let wait = try await send(to: phone, ip: ip, now: now) { throw SMSRefusal.limited(retryAfter: wait) }
        try await sms.count(phone, now: now)
        return .paid
    }

    /// Counts a code "sent" to a review number: the limits per number and per IP only, as
    /// nothing is spent.
    func sendUnpaid(to recipient: String, ip: String, now: Date) async throws -> Int? {
        try await store.hit([(sendPerIP, ip), (sendPerRecipient, recipient)], now: now)
    }

    /// Counts a check of a code sent to `recipient`, from `ip`.
    func verify(_ recipient: String, ip: String, now: Date) async throws -> Int? {
        try await store.hit([(verifyPerIP, ip), (verifyPerRecipient, recipient)], now: now)
    }

    /// Counts a password attempt on `account` (its sid when the login names one, so every
    /// spelling of it, username or email, shares one count; else the login lowercased) from `ip`.
    func login(_ account: String, ip: String, now: Date) async throws -> Int? {
        try await store.hit([(loginPerIP, ip), (loginPerAccount, account.lowercased())], now: now)
    }

    /// Counts a registration from `ip`.
    func register(ip: String, now: Date) async throws -> Int? {
        try await store.hit([(registerPerIP, ip)], now: now)
    }

    /// The JSON API's 429 with `Retry-After`, when `wait` says the request was refused.
    static func refuse(_ wait: Int?) throws {
        guard let wait else { return }
        throw APIError(
            status: .tooManyRequests, message: "Too many requests; try again in \(wait) seconds",
            headers: [.retryAfter: String(wait)])
    }
}
