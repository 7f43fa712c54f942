#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A client registered through the admin API, with when.
struct StoredOAuthClient: Sendable, Equatable {
    var client: OAuthClient
    var createdAt: Double
}

/// The OpenID Connect clients registered through the admin API (`oauth_client`), read on each
/// request so every replica sees a registration or a removal at once. A secret is kept only as
/// its bcrypt hash (a public client has none); lists are JSON arrays, scopes as in a token.
struct OAuthClientStore: Sendable {
    let database: any SQLDatabase

    private static let columns: SQLQuery = """
        client_id, name, secret_hash, redirect_uris, post_logout_redirect_uris, scopes, id_token_alg, created_at
        """

    func find(_ id: String) async throws -> StoredOAuthClient? {
        try await database.read { db in
            try await db.fetchOne("SELECT " + Self.columns + " FROM oauth_client WHERE client_id = \(id)")
                .map(Self.client)
        }
    }

    /// Every registered client, oldest first.
    func all() async throws -> [StoredOAuthClient] {
        try await database.read { db in
            try await db.fetchAll("SELECT " + Self.columns + " FROM oauth_client ORDER BY created_at, client_id")
                .map(Self.client)
        }
    }

    /// Registers `client` (its secret, if any, already a hash); false when its id is taken.
    func insert(_ client: OAuthClient, now: Date) async throws -> Bool {
        let hash: String?
        switch client.authentication {
        case .publicClient: hash = nil
        case .secretHash(let value): hash = value
        case .plainSecret: preconditionFailure("a registered client's secret is stored only as a hash")
        }
        return try await database.write { db in
            try await db.fetchOne(
                """
                INSERT INTO oauth_client (client_id, name, secret_hash, redirect_uris, post_logout_redirect_uris,
                    scopes, id_token_alg, created_at)
                VALUES (\(client.id), \(client.name), \(hash), \(Self.list(client.redirectURIs)),
                    \(Self.list(client.postLogoutRedirectURIs)), \(OAuthScope.text(client.scopes)),
                    \(client.idTokenAlgorithm.rawValue), \(now.timeIntervalSince1970))
                ON CONFLICT DO NOTHING RETURNING 1
                """) != nil
        }
    }

    /// Removes the client `id` with its unredeemed codes and ends every session it was issued
    /// (their refresh and access tokens refused at once, on every replica), in one transaction.
    /// Returns the families revoked, or nil when no such client is registered.
    func delete(_ id: String, now: Date) async throws -> [String]? {
        try await database.write { db in
            guard
                !(try await db.fetchAll("DELETE FROM oauth_client WHERE client_id = \(id) RETURNING client_id"))
                    .isEmpty
            else { return nil }
            try await db.execute("DELETE FROM oauth_code WHERE client_id = \(id)")
            return try await RefreshTokenRecords.revokeFamilies(db, client: id, at: now.timeIntervalSince1970)
        }
    }

    private static func list(_ values: [String]) -> String {
        (try? JSONEncoder().encode(values)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    private static func client(_ row: SQLRow) throws -> StoredOAuthClient {
        func list(_ index: Int) throws -> [String] {
            try JSONDecoder().decode([String].self, from: Data(try row.decode(index, as: String.self).utf8))
        }
        let scopes: String = try row.decode(5)
        let algorithm: String = try row.decode(6)
        return StoredOAuthClient(
            client: OAuthClient(
                id: try row.decode(0), name: try row.decode(1),
                authentication: try row.decode(2, as: String?.self).map { .secretHash($0) } ?? .publicClient,
                redirectURIs: try list(3), postLogoutRedirectURIs: try list(4),
                scopes: (try? OAuthScope.parse(scopes).get()) ?? [.openid],
                idTokenAlgorithm: IDTokenAlgorithm(rawValue: algorithm) ?? .rs256),
            createdAt: try row.decode(7))
    }
}
