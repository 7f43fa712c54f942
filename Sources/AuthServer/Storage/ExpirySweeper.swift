import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Deletes expired rows once a minute until the server stops: web sessions, the limits'
/// counters of keys not seen again (each hit already drops its own key's old entries), audit
/// events past `AUDIT_RETENTION_DAYS`, and webhook messages settled a week ago.
///
/// Ends at a graceful shutdown and also when the service group is cancelled (for example because
/// the server could not bind its port): a loop that swallowed the cancellation would spin and
/// keep the process alive.
struct ExpirySweeper: Service {
    let sessions: WebSessionStore
    let limits: AbuseLimits
    let audit: AuditLog
    let outbox: WebhookOutbox
    let codes: AuthorizationCodeStore
    let now: @Sendable () -> Date
    var interval: Duration = .seconds(60)

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await sweep()
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }

    func sweep() async throws {
        try await sessions.sweep()
        try await limits.store.sweep(now: now(), longestWindow: limits.longestWindow)
        try await limits.sms.countries.sweep(now: now())
        try await audit.sweep()
        try await codes.sweep(now: now())
        // settled webhook messages stay visible in the admin API for a week
        try await outbox.sweep(before: now().addingTimeInterval(-7 * 86_400))
    }
}
