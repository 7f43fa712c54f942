import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Refresh tokens and revoked access tokens, over ``RefreshTokenRecords`` (the database).
///
/// A refresh token is 32 random bytes (base64url), stored only as its SHA-256. Every login
/// starts a *family*; each refresh rotates the token within it. Presenting a token that was
/// already rotated means it leaked: the whole family is revoked. Logging out revokes the family
/// and denylists the access token's `jti` until it expires.
///
/// Every access token carries its family (`fid`), and a revoked family refuses all of its
/// access tokens at once, not only the one that logged out: after login → A1, refresh → A2,
/// logout with A2, A1 is refused too; so is what a thief got from a replayed refresh token, and
/// every token from before a password change or reset, even one issued in the same second.
/// Both denylists are mirrored in memory (this process is their only writer), so checking a
/// bearer token costs no query; a family is remembered for one access-token lifetime after its
/// revocation, the longest any of its access tokens can live.
final class RefreshTokenStore: Sendable {
    let records: RefreshTokenRecords
    /// How long an access token lives: how long a revoked family must be remembered.
    let accessTokenLifetime: TimeInterval
    private let revokedJTIs = Mutex<[String: Date]>([:])
    /// Revoked families, until when their access tokens could still be presented.
    private let revokedFamilies = Mutex<[String: Date]>([:])

    init(records: RefreshTokenRecords, accessTokenLifetime: TimeInterval) async throws {
        self.records = records
        self.accessTokenLifetime = accessTokenLifetime
        merge(try await records.revocations(now: Date(), familyWindow: accessTokenLifetime))
    }

    /// Remembers families whose refresh tokens were revoked at `now` (by this store, or by the
    /// account store on a password change, reset or disable).
    func familiesRevoked(_ families: [String], at now: Date) {
        guard !families.isEmpty else { return }
        let until = now.addingTimeInterval(accessTokenLifetime)
        revokedFamilies.withLock { map in
            for family in families { map[family] = until }
            if map.count > 10_000 { map = map.filter { $0.value > now } }
        }
    }

    /// A revocation another replica made (``RevocationNotice``).
    func apply(_ notice: RevocationNotice, now: Date) {
        switch notice {
        case .family(let family):
            familiesRevoked([family], at: now)
        case .jti(let jti, let until):
            revokedJTIs.withLock { map in
                map[jti] = Date(timeIntervalSince1970: until)
                if map.count > 10_000 { map = map.filter { $0.value > now } }
            }
        }
    }

    /// Reads what is revoked again (after notices may have been missed) and adds it.
    func reload(now: Date) async throws {
        merge(try await records.revocations(now: now, familyWindow: accessTokenLifetime))
    }

    /// Adds what the database says is revoked to the in-memory denylists.
    private func merge(_ known: Revocations) {
        revokedJTIs.withLock { map in
            for (jti, expiry) in known.jtis { map[jti] = expiry }
        }
        revokedFamilies.withLock { map in
            for (family, revokedAt) in known.families {
                map[family] = revokedAt.addingTimeInterval(accessTokenLifetime)
            }
        }
    }

    func isRevoked(family: String) -> Bool {
        revokedFamilies.withLock { $0[family] != nil }
    }

    /// A new family for a fresh login; returns the refresh token and its family. `family` is
    /// chosen beforehand when something else names it first (a redeemed authorization code);
    /// `grant` binds it to the OpenID Connect client it was issued to, and its scopes.
    func startFamily(
        subject: String, now: Date, lifetime: TimeInterval, client: SessionClient? = nil,
        family: String = UUID().uuidString, grant: ClientGrant? = nil, alongside: [SQLQuery] = []
    ) async throws -> (token: String, family: String) {
        let token = OpaqueToken.make()
        try await records.insert(
            tokenHash: OpaqueToken.hash(token), family: family, subject: subject, now: now, lifetime: lifetime,
            client: client, grant: grant, alongside: alongside)
        return (token, family)
    }

    /// The live sessions of `subject`, `current` marking the asking token's family.
    func sessions(subject: String, current: String?, now: Date) async throws -> [DeviceSession] {
        try await records.sessions(subject: subject, now: now).map { session in
            var session = session
            session.current = session.id == current
            return session
        }
    }

    /// Ends one session of `subject` (false when it has no such live session), or every one but
    /// `keeping`: their refresh tokens revoked, their access tokens refused at once, here and
    /// (through the database's notices) on every replica.
    @discardableResult
    func endSessions(subject: String, only family: String?, keeping: String?, now: Date) async throws -> [String] {
        let revoked = try await records.revoke(subject: subject, only: family, keeping: keeping, now: now)
        familiesRevoked(revoked, at: now)
        return revoked
    }

    enum RotationOutcome: Sendable, Equatable {
        /// `grant`: the client and scopes the family was issued to, if a client's.
        case rotated(token: String, family: String, subject: String, grant: ClientGrant?)
        /// The family belongs to another client (or to none): nothing was rotated.
        case wrongClient
        case unknown
        case expired
        case revoked
        /// The token had been rotated already: its family (of `subject`) is now revoked.
        case reused(subject: String)
    }

    /// Exchanges a refresh token for the next one in its family, in one transaction. Only the
    /// client a family was issued to (`oauthClient`; nil: the JSON API) may rotate it.
    func rotate(
        _ token: String, now: Date, lifetime: TimeInterval, client: SessionClient? = nil, oauthClient: String? = nil
    ) async throws -> RotationOutcome {
        let next = OpaqueToken.make()
        switch try await records.rotate(
            tokenHash: OpaqueToken.hash(token), nextHash: OpaqueToken.hash(next), now: now, lifetime: lifetime,
            client: client, oauthClient: oauthClient)
        {
        case .rotated(let family, let subject, let grant):
            return .rotated(token: next, family: family, subject: subject, grant: grant)
        case .wrongClient: return .wrongClient
        case .unknown: return .unknown
        case .expired: return .expired
        case .revoked: return .revoked
        case .reused(let family, let subject):
            // a replayed token means it leaked: every access token of its family stops working too
            familiesRevoked([family], at: now)
            return .reused(subject: subject)
        }
    }

    /// What introspection says of a refresh token, or nil when it is unknown.
    func describe(_ token: String, now: Date) async throws -> RefreshTokenInfo? {
        try await records.describe(tokenHash: OpaqueToken.hash(token), now: now)
    }

    /// Revokes a family and denylists an access token until it expires.
    func logout(family: String?, jti: String, accessExpiresAt: Date, now: Date) async throws {
        try await records.logout(family: family, jti: jti, accessExpiresAt: accessExpiresAt, now: now)
        revokedJTIs.withLock { map in
            map[jti] = accessExpiresAt
            map = map.filter { $0.value > now }
        }
        if let family { familiesRevoked([family], at: now) }
    }

    func isRevoked(jti: String) -> Bool {
        revokedJTIs.withLock { $0[jti] != nil }
    }
}
