import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A revocation told to every replica through PostgreSQL's `NOTIFY` on ``channel``: sent inside
/// the revoking transaction (so it is delivered exactly when it commits, and never for one that
/// rolled back), applied by each replica's ``PostgresRevocationListener`` to its own
/// ``RefreshTokenStore``. Payloads: `f <family>`, `j <jti> <expires-at>`.
enum RevocationNotice: Sendable, Equatable {
    case family(String)
    case jti(String, until: Double)

    static let channel = "auth_revocations"

    var payload: String {
        switch self {
        case .family(let family): "f \(family)"
        case .jti(let jti, let until): "j \(jti) \(until)"
        }
    }

    init?(payload: String) {
        let parts = payload.split(separator: " ")
        switch (parts.first, parts.count) {
        case ("f", 2): self = .family(String(parts[1]))
        case ("j", 3):
            guard let until = Double(parts[2]) else { return nil }
            self = .jti(String(parts[1]), until: until)
        default: return nil
        }
    }

    /// Sent with the transaction `db` is in (delivered when it commits).
    func send(_ db: any SQLConnection) async throws {
        try await db.notify(channel: Self.channel, payload: payload)
    }
}

/// Keeps this replica's revocation cache in step with the others: a connection of its own
/// `LISTEN`s on ``RevocationNotice/channel``; when it drops, it reconnects and reloads what is
/// revoked from the tables, so a notice missed meanwhile is not lost.
struct PostgresRevocationListener: Service {
    let database: PostgresDatabase
    let refreshTokens: RefreshTokenStore

    func run() async throws {
        try await cancelWhenGracefulShutdown { await listenUntilCancelled() }
    }

    private func listenUntilCancelled() async {
        var missed = false
        while !Task.isCancelled {
            do {
                let connection = try await database.directConnection()
                do {
                    try await connection.listen(on: RevocationNotice.channel) { notices in
                        if missed {
                            try await refreshTokens.reload(now: Date())
                            database.logger.notice("revocation listener reconnected; revocations reloaded")
                        }
                        missed = true
                        for try await notice in notices {
                            guard let revocation = RevocationNotice(payload: notice.payload) else { continue }
                            refreshTokens.apply(revocation, now: Date())
                        }
                    }
                    // (a connection must be closed before it goes away)
                    try? await connection.close()
                } catch {
                    try? await connection.close()
                    throw error
                }
            } catch {
                if Task.isCancelled { return }
                database.logger.warning(
                    "revocation listener lost PostgreSQL at \(database.url.place): \(PostgresDatabase.describe(error))")
                missed = true
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
