#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Every client the provider signs people in for: those of `OAUTH_CLIENTS_FILE` (fixed at
/// start, looked up first, costing no query) and those registered through the admin API
/// (``OAuthClientStore``, read per request so every replica sees a change at once).
///
/// ```swift
/// let client = try await registry.client("notes-web")   // nil: not registered
/// ```
struct OAuthClientRegistry: Sendable {
    let fileClients: [OAuthClient]
    let store: OAuthClientStore
    /// The access tokens' algorithm: a client may ask for ID tokens signed with it.
    let accessAlgorithm: SigningAlgorithm
    /// Hashes a registered secret, as passwords are hashed.
    let passwords: Passwords
    let refreshTokens: RefreshTokenStore
    let audit: AuditLog
    let now: @Sendable () -> Date

    /// The client registered as `id`, or nil.
    func client(_ id: String) async throws -> OAuthClient? {
        if let client = fileClients.first(where: { $0.id == id }) { return client }
        return try await store.find(id)?.client
    }

    /// Where a client is registered.
    enum Source: String, Sendable, Codable {
        case file
        case admin
    }

    /// A client as the admin API lists it.
    struct Registered: Sendable, Equatable {
        var client: OAuthClient
        var source: Source
        /// When it was registered through the admin API.
        var createdAt: Double?
    }

    /// The client registered as `id`, with where and when, or nil.
    func registered(_ id: String) async throws -> Registered? {
        if let client = fileClients.first(where: { $0.id == id }) { return Registered(client: client, source: .file) }
        return try await store.find(id).map { Registered(client: $0.client, source: .admin, createdAt: $0.createdAt) }
    }

    /// Every client: the file's, then the admin API's, oldest first.
    func all() async throws -> [Registered] {
        fileClients.map { Registered(client: $0, source: .file) }
            + (try await store.all()).map { Registered(client: $0.client, source: .admin, createdAt: $0.createdAt) }
    }

    enum Registration: Sendable, Equatable {
        /// Registered; `secret` is the one made for it, shown only this once.
        case registered(Registered, secret: String?)
        /// The fields are wrong: the message names the field, as the clients file's do.
        case invalid(String)
        /// The id is registered already (in the file or through the admin API).
        case taken(String)
    }

    /// Registers a client from its JSON fields (those of `OAUTH_CLIENTS_FILE`). A confidential
    /// client without a secret gets a new random one, returned once; a `client_secret` given is
    /// kept only as its hash.
    func register(_ fields: [String: Any], actor: AuditActor) async throws -> Registration {
        var fields = fields
        var made: String?
        if fields["public"] as? Bool != true, fields["client_secret"] == nil, fields["client_secret_hash"] == nil {
            made = OpaqueToken.make()
            fields["client_secret"] = made
        }
        var client: OAuthClient
        do {
            client = try OAuthClientsFile.parseClient(fields, at: "")
        } catch {
            return .invalid(error.problem)
        }
        if let problem = client.idTokenAlgorithm.problem(signingWith: accessAlgorithm) {
            return .invalid("id_token_signed_response_alg: \(problem)")
        }
        if fileClients.contains(where: { $0.id == client.id }) { return .taken(client.id) }
        if case .plainSecret(let secret) = client.authentication {
            client.authentication = .secretHash(try await passwords.hash(secret))
        }
        let time = now()
        guard try await store.insert(client, now: time) else { return .taken(client.id) }
        await audit.record(
            AuditEvent(
                .clientCreated, subject: client.id, actor: actor,
                detail: ["name": client.name, "public": String(client.isPublic)]))
        return .registered(
            Registered(client: client, source: .admin, createdAt: time.timeIntervalSince1970), secret: made)
    }

    enum Removal: Sendable, Equatable {
        /// Removed; this many of its sessions ended.
        case removed(sessions: Int)
        /// Registered in `OAUTH_CLIENTS_FILE`, which only its owner changes.
        case inFile
        case unknown
    }

    /// Removes a client registered through the admin API: its codes go and every session it was
    /// issued ends (tokens refused at once, on every replica).
    func remove(_ id: String, actor: AuditActor) async throws -> Removal {
        if fileClients.contains(where: { $0.id == id }) { return .inFile }
        let time = now()
        guard let families = try await store.delete(id, now: time) else { return .unknown }
        refreshTokens.familiesRevoked(families, at: time)
        await audit.record(
            AuditEvent(.clientDeleted, subject: id, actor: actor, detail: ["sessions": String(families.count)]))
        return .removed(sessions: families.count)
    }
}
