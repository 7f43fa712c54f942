#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A person's signed-in devices (refresh-token families), listed and ended by the JSON API
/// (``SessionsController``) and the profile page alike; each ending is recorded as
/// `session.revoked`.
struct DeviceSessions: Sendable {
    let refreshTokens: RefreshTokenStore
    let audit: AuditLog
    let now: @Sendable () -> Date

    /// The live sessions of `subject`, `current` marking the asking token's family.
    func list(subject: String, current: String?) async throws -> [DeviceSession] {
        try await refreshTokens.sessions(subject: subject, current: current, now: now())
    }

    /// Ends the session `only`, or every one but `keeping`; returns those ended.
    func end(subject: String, only family: String?, keeping: String?) async throws -> [String] {
        let ended = try await refreshTokens.endSessions(subject: subject, only: family, keeping: keeping, now: now())
        if !ended.isEmpty {
            await audit.record(
                AuditEvent(
                    .sessionRevoked, subject: subject,
                    detail: family.map { ["reason": "ended", "session": $0] }
                        ?? ["reason": "ended_others", "sessions": String(ended.count)]))
        }
        return ended
    }
}
