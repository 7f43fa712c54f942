import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AuthServer

/// OpenID Connect clients registered through the admin API, beside those of the clients file:
/// registered, signed in through, removed with every session they were issued.
@Suite("Auth server: OpenID Connect clients through the admin API")
struct ClientRegistrationTests {
    typealias Flow = AuthorizationFlowTests
    static let adminToken = AdminTests.adminToken

    static func withRegistry(
        adminToken: String? = adminToken, _ body: @Sendable @escaping (Stack) async throws -> Void
    ) async throws {
        let keys = try OpenIDSettings.temporaryRSAKeys()
        try await withAccounts(
            configure: { configuration in
                configuration.adminToken = adminToken
                configuration.openID = OpenIDSettings(issuer: Flow.issuer, fileClients: [Flow.web], idTokenKeys: keys)
            }, body)
    }

    static func admin(
        _ stack: Stack, _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        let (status, answer, _) = try await stack.json(method, path, body, token: adminToken)
        return (status, answer)
    }

    /// The client the admin API registers in these tests, as the flow's helpers know it.
    static let registered = OAuthClient(
        id: "notes-admin", name: "Notes", authentication: .publicClient, redirectURIs: [Flow.webCallback],
        postLogoutRedirectURIs: [], scopes: Set(OAuthScope.allCases), idTokenAlgorithm: .rs256)

    @Test(
        "registered: a secret made and shown once, listed beside the file's, signed in through; removed with its sessions"
    )
    func registerUseRemove() async throws {
        try await Self.withRegistry { stack in
            let (created, client) = try await Self.admin(
                stack, .post, "/api/admin/clients",
                #"{"client_id": "notes-admin", "name": "Notes", "redirect_uris": ["\#(Flow.webCallback)"]}"#)
            #expect(created == .created, "\(client)")
            let secret = try #require(client["client_secret"] as? String)
            #expect(secret.count >= 32)
            #expect(client["source"] as? String == "admin" && client["public"] as? Bool == false)
            #expect(client["scopes"] as? [String] == ["openid", "profile", "email", "phone", "offline_access"])
            #expect(client["client_secret_hash"] == nil)

            // listed after the file's, and never with a secret again
            let (_, list) = try await Self.admin(stack, .get, "/api/admin/clients")
            let clients = try #require(list["clients"] as? [[String: Any]])
            #expect(clients.compactMap { $0["client_id"] as? String } == ["notes-web", "notes-admin"])
            #expect(clients.map { $0["source"] as? String } == ["file", "admin"])
            #expect(clients.allSatisfy { $0["client_secret"] == nil })
            let (shown, one) = try await Self.admin(stack, .get, "/api/admin/clients/notes-admin")
            #expect(shown == .ok && one["client_secret"] == nil && one["created_at"] is Double)
            let (fileShown, fileOne) = try await Self.admin(stack, .get, "/api/admin/clients/notes-web")
            #expect(fileShown == .ok && fileOne["source"] as? String == "file" && fileOne["created_at"] == nil)

            // a person signs in through it as through a file's client
            // carol, with a session of her own on the JSON API
            let own = try await stack.signUp("carol")
            let code = try await Flow.signInForCode(
                stack.browser(), Flow.authorizePath(client: Self.registered), login: "carol")
            let (status, tokens, _) = try await Flow.tokenRequest(
                stack,
                [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Flow.webCallback)],
                basic: (Self.registered.id, secret))
            #expect(status == .ok, "\(tokens)")
            let access = try #require(tokens["access_token"] as? String)
            let refresh = try #require(tokens["refresh_token"] as? String)
            #expect(try await Flow.userinfo(stack, access).0 == .ok)

            // removed: its session ends at once; its secret no longer authenticates
            let (removed, ended) = try await Self.admin(stack, .delete, "/api/admin/clients/notes-admin")
            #expect(removed == .ok && ended["ended"] as? Int == 1, "\(ended)")
            #expect(try await Flow.userinfo(stack, access).0 == .unauthorized)
            #expect(try await stack.json(.get, "/api/accounts/me", token: own).0 == .ok)
            let (refused, refusal, _) = try await Flow.tokenRequest(
                stack, [("grant_type", "refresh_token"), ("refresh_token", refresh)],
                basic: (Self.registered.id, secret))
            #expect(refused == .unauthorized && refusal["error"] as? String == "invalid_client")
            #expect(try await Self.admin(stack, .get, "/api/admin/clients/notes-admin").0 == .notFound)
            // the pages no longer know it either
            let page = try await stack.browser().get(Flow.authorizePath(client: Self.registered))
            #expect(page.status == .badRequest && page.location == nil)

            // registered again under the same id with a secret of the operator's choosing: the old
            // secret, which the provider had accepted before, is refused
            let chosen = "chosen-secret-0123456789abcdefghijklmnop"
            let (again, answer) = try await Self.admin(
                stack, .post, "/api/admin/clients",
                #"{"client_id": "notes-admin", "client_secret": "\#(chosen)", "redirect_uris": ["\#(Flow.webCallback)"]}"#
            )
            #expect(again == .created && answer["client_secret"] == nil, "\(answer)")
            let introspect: [(String, String)] = [("token", access)]
            let (old, _, _) = try await Flow.tokenRequest(
                stack, introspect, basic: (Self.registered.id, secret), path: "/oauth/introspect")
            #expect(old == .unauthorized)
            let (new, state, _) = try await Flow.tokenRequest(
                stack, introspect, basic: (Self.registered.id, chosen), path: "/oauth/introspect")
            #expect(new == .ok && state["active"] as? Bool == false)

            // both changes in the audit log as the admin's, under the client's id
            let events = try await AdminTests.events(stack, "subject=notes-admin")
            #expect(
                events.compactMap { $0["type"] as? String } == ["client.created", "client.deleted", "client.created"])
            #expect(events.allSatisfy { $0["actor"] as? String == "admin" })
            #expect((events[1]["detail"] as? [String: String])?["sessions"] == "1")
        }
    }

    @Test(
        "each mistake in a registration is a 400 naming the field",
        arguments: [
            (#"{"client_id": "a b", "redirect_uris": ["https://a.example/cb"]}"#, "client_id: must be"),
            (#"{"client_id": "a", "redirect_uris": ["http://a.example/cb"]}"#, "redirect_uris[0]:"),
            (#"{"client_id": "a", "redirect_uris": []}"#, "redirect_uris: is required"),
            (#"{"client_id": "a", "redirect_uri": ["https://a.example/cb"]}"#, "redirect_uri: is not a client field"),
            (
                #"{"client_id": "a", "public": true, "client_secret": "0123456789abcdefghijklmnopqrstuvwxyz", "redirect_uris": ["https://a.example/cb"]}"#,
                "public: a public client has no secret"
            ),
            (
                #"{"client_id": "a", "client_secret": "short", "redirect_uris": ["https://a.example/cb"]}"#,
                "client_secret:"
            ),
            (
                #"{"client_id": "a", "scopes": ["profile"], "redirect_uris": ["https://a.example/cb"]}"#,
                "scopes: must include openid"
            ),
            (
                #"{"client_id": "a", "id_token_signed_response_alg": "ES256", "redirect_uris": ["https://a.example/cb"]}"#,
                "id_token_signed_response_alg: ES256 needs JWT_ALGORITHM=ES256"
            ),
            (#"["notes"]"#, "The body must be a JSON object"),
            ("client_id=a", "The body must be a JSON object"),
        ])
    func mistakes(body: String, expected: String) async throws {
        try await Self.withRegistry { stack in
            let (status, answer) = try await Self.admin(stack, .post, "/api/admin/clients", body)
            #expect(status == .badRequest)
            #expect((answer["message"] as? String)?.hasPrefix(expected) == true, "\(answer)")
            let (_, list) = try await Self.admin(stack, .get, "/api/admin/clients")
            #expect((list["clients"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test("an id is registered once, even by concurrent requests; the file's clients are not changed through the API")
    func conflicts() async throws {
        try await Self.withRegistry { stack in
            let body = #"{"client_id": "racer", "public": true, "redirect_uris": ["com.example.racer:/cb"]}"#
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await Self.admin(stack, .post, "/api/admin/clients", body).0 }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .conflict }.count == 5, "\(statuses)")

            let (taken, answer) = try await Self.admin(
                stack, .post, "/api/admin/clients",
                #"{"client_id": "notes-web", "public": true, "redirect_uris": ["https://x.example/cb"]}"#)
            #expect(taken == .conflict && answer["message"] as? String == "A client notes-web is registered already")
            let (fileClient, refusal) = try await Self.admin(stack, .delete, "/api/admin/clients/notes-web")
            #expect(fileClient == .conflict)
            #expect((refusal["message"] as? String)?.contains("OAUTH_CLIENTS_FILE") == true)
            #expect(try await Self.admin(stack, .delete, "/api/admin/clients/nobody").0 == .notFound)
            // no admin token, no clients
            #expect(try await stack.json(.get, "/api/admin/clients").0 == .unauthorized)
            #expect(
                try await stack.json(.post, "/api/admin/clients", body, token: Self.adminToken + "x").0 == .unauthorized
            )
        }
    }

    @Test("without ISSUER the clients routes say OpenID Connect is off")
    func providerOff() async throws {
        try await withAccounts(configure: { $0.adminToken = Self.adminToken }) { stack in
            let (status, answer) = try await Self.admin(stack, .get, "/api/admin/clients")
            #expect(status == .notFound)
            #expect(answer["message"] as? String == "OpenID Connect is off: set ISSUER to register clients")
        }
    }
}
