#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The database side of ``RefreshTokenStore``: refresh tokens by hash, in families, and the
/// denylist of logged-out access tokens. Each operation is one transaction.
protocol RefreshTokenRecords: Sendable {
    /// What is revoked now: denylisted access tokens and their expiry, and the families revoked
    /// within `familyWindow` (one access-token lifetime) with when; read once at start.
    func revocations(now: Date, familyWindow: TimeInterval) async throws -> Revocations

    func insert(tokenHash: String, family: String, subject: String, now: Date, lifetime: TimeInterval) async throws

    /// Marks the token used and inserts its successor, or says why not; a token already used
    /// revokes its whole family (``Rotation/reused(family:)``).
    func rotate(tokenHash: String, nextHash: String, now: Date, lifetime: TimeInterval) async throws -> Rotation

    /// Revokes `family` (if any) and denylists `jti` until the access token expires.
    func logout(family: String?, jti: String, accessExpiresAt: Date, now: Date) async throws
}

/// What ``RefreshTokenRecords/revocations(now:familyWindow:)`` reads.
struct Revocations: Sendable {
    var jtis: [(String, Date)]
    /// A family and when it was revoked.
    var families: [(String, Date)]
}

/// The outcome of ``RefreshTokenRecords/rotate(tokenHash:nextHash:now:lifetime:)``.
enum Rotation: Sendable, Equatable {
    case rotated(family: String, subject: String)
    case unknown
    case expired
    case revoked
    case reused(family: String)
}
