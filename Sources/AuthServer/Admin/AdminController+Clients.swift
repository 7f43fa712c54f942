import Hummingbird

/// `/api/admin/clients`: the OpenID Connect clients, those of `OAUTH_CLIENTS_FILE` (read only
/// here) and those registered through this API, which a replica sees at once.
///
/// ```sh
/// curl -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"client_id": "notes-web",
///   "redirect_uris": ["https://notes.example.com/callback"]}' http://127.0.0.1:8000/api/admin/clients
/// ```
extension AdminController {
    func addClientRoutes(to admin: RouterGroup<AuthRequestContext>) {
        admin.get("/clients") { _, _ in
            let registered = try await registry().all()
            return try JSONResponse.uncached(AdminOAuthClientList(clients: registered.map { AdminOAuthClient($0) }))
        }
        admin.get("/clients/:client_id") { _, context in
            let id = try context.parameters.require("client_id")
            guard let client = try await registry().registered(id) else {
                throw Self.unknownClient(id)
            }
            return try JSONResponse.uncached(AdminOAuthClient(client))
        }
        admin.post("/clients", use: registerClient)
        admin.delete("/clients/:client_id", use: removeClient)
    }

    /// `POST /api/admin/clients` with a client's fields, as in `OAUTH_CLIENTS_FILE`: 201 with the
    /// client, and its new `client_secret` when it had none (shown only this once).
    @Sendable func registerClient(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let registry = try registry()
        guard let fields = OAuthClientsFile.object(try await JSONRequest.body(request)) else {
            throw APIError.badRequest(
                #"The body must be a JSON object like {"client_id": "notes-web", "redirect_uris": ["https://notes.example.com/callback"]}"#
            )
        }
        switch try await registry.register(fields, actor: .admin) {
        case .registered(let client, let secret):
            var shown = AdminOAuthClient(client)
            shown.clientSecret = secret
            return try JSONResponse.uncached(shown, status: .created)
        case .invalid(let problem):
            throw APIError.badRequest(problem)
        case .taken(let id):
            throw APIError(status: .conflict, message: "A client \(id) is registered already")
        }
    }

    /// `DELETE /api/admin/clients/{client_id}`: the client goes, and every session it was issued.
    @Sendable func removeClient(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let id = try context.parameters.require("client_id")
        switch try await registry().remove(id, actor: .admin) {
        case .removed(let sessions):
            return try JSONResponse.make(AdminSessionsEnded(ended: sessions))
        case .inFile:
            throw APIError(
                status: .conflict, message: "\(id) is registered in OAUTH_CLIENTS_FILE: remove it there and restart")
        case .unknown:
            throw Self.unknownClient(id)
        }
    }

    private func registry() throws -> OAuthClientRegistry {
        guard let clients else {
            throw APIError(
                status: .notFound, message: "OpenID Connect is off: set ISSUER to register clients")
        }
        return clients
    }

    private static func unknownClient(_ id: String) -> APIError {
        APIError(status: .notFound, message: "No client \(id.prefix(100))")
    }
}
