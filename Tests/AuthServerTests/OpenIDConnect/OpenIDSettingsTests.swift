import Crypto
import CryptoExtras
import Foundation
import JWTKit
import Testing
import VerifyWire

@testable import AuthServer

@Suite("Auth server: OpenID Connect settings (clients file, issuer, ID-token keys)")
struct OpenIDSettingsTests {
    static let production = [
        "TWILIO_ACCOUNT_SID": "AC" + String(repeating: "a", count: 32), "TWILIO_AUTH_TOKEN": "token",
        "TWILIO_VERIFY_SERVICE_SID": "VA" + String(repeating: "b", count: 32),
        "SECRET_KEY": "k8Jq2Lr5Vx9Zc3Nb7Mw1Pt4Ys6Hd0Fg2",
    ]
    static let bcryptHash = "$2b$12$" + String(repeating: "a", count: 53)

    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clients-\(UUID().uuidString).json")
            .path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func rsaKeyPEM() throws -> String {
        try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
    }

    func problem(_ json: String) -> String? {
        do {
            _ = try OAuthClientsFile.parse(Data(json.utf8))
            return nil
        } catch {
            #expect(error.setting == "OAUTH_CLIENTS_FILE")
            return error.problem
        }
    }

    @Test("a good file: confidential (bcrypt or plain secret) and public clients, with their defaults")
    func goodFile() throws {
        let clients = try OAuthClientsFile.parse(
            Data(
                """
                {"clients": [
                  {"client_id": "notes-web", "name": "Notes", "client_secret_hash": "\(Self.bcryptHash)",
                   "redirect_uris": ["https://notes.example.com/callback"],
                   "post_logout_redirect_uris": ["https://notes.example.com/"], "scopes": ["openid", "phone"]},
                  {"client_id": "cli", "client_secret": "f3a9c1d7e5b2846a0c9e7d3b1f5a8c2e",
                   "redirect_uris": ["http://127.0.0.1:8765/callback", "http://[::1]/cb", "http://localhost:3000/cb"]},
                  {"client_id": "notes-ios", "public": true, "redirect_uris": ["com.example.notes:/callback"]}
                ]}
                """.utf8))
        #expect(clients.map(\.id) == ["notes-web", "cli", "notes-ios"])
        #expect(clients[0].name == "Notes" && clients[0].authentication == .secretHash(Self.bcryptHash))
        #expect(clients[0].scopes == [.openid, .phone])
        #expect(clients[0].postLogoutRedirectURIs == ["https://notes.example.com/"])
        #expect(
            clients[1].name == "cli" && clients[1].authentication == .plainSecret("f3a9c1d7e5b2846a0c9e7d3b1f5a8c2e"))
        #expect(clients[1].scopes == Set(OAuthScope.allCases))
        #expect(clients[2].isPublic && clients[2].idTokenAlgorithm == .rs256)
    }

    @Test(
        "each mistake in the file names its field",
        arguments: [
            (#"not json"#, "is not JSON"),
            (#"{"client": []}"#, #"must be a JSON object {"clients": [...]}"#),
            (
                #"{"clients": [{"public": true, "redirect_uris": ["https://a.example/cb"]}]}"#,
                "clients[0].client_id: is required"
            ),
            (
                #"{"clients": [{"client_id": "a b", "public": true, "redirect_uris": ["https://a.example/cb"]}]}"#,
                "clients[0].client_id: must be"
            ),
            (
                #"{"clients": [{"client_id": "a", "public": true, "redirect_uri": ["https://a.example/cb"]}]}"#,
                "clients[0].redirect_uri: is not a client field"
            ),
            (
                #"{"clients": [{"client_id": "a", "redirect_uris": ["https://a.example/cb"]}]}"#,
                "clients[0]: needs client_secret_hash, client_secret"
            ),
            (
                #"{"clients": [{"client_id": "a", "public": true, "client_secret": "f3a9c1d7e5b2846a0c9e7d3b1f5a8c2e", "redirect_uris": ["https://a.example/cb"]}]}"#,
                "clients[0].public: a public client has no secret"
            ),
            (
                #"{"clients": [{"client_id": "a", "client_secret": "short", "redirect_uris": ["https://a.example/cb"]}]}"#,
                "clients[0].client_secret: must be 32 to 72"
            ),
            (
                #"{"clients": [{"client_id": "a", "client_secret_hash": "plain-text", "redirect_uris": ["https://a.example/cb"]}]}"#,
                "clients[0].client_secret_hash: must be a bcrypt hash"
            ),
            (
                #"{"clients": [{"client_id": "a", "public": "yes", "redirect_uris": ["https://a.example/cb"]}]}"#,
                "clients[0].public: must be true or false"
            ),
            (#"{"clients": [{"client_id": "a", "public": true}]}"#, "clients[0].redirect_uris: is required"),
            (
                #"{"clients": [{"client_id": "a", "public": true, "redirect_uris": ["https://a.example/cb", "http://a.example/cb"]}]}"#,
                "clients[0].redirect_uris[1]: must use https"
            ),
            (
                #"{"clients": [{"client_id": "a", "public": true, "redirect_uris": ["https://a.example/cb#x"]}]}"#,
                "clients[0].redirect_uris[0]: must not have a fragment"
            ),
            (
                #"{"clients": [{"client_id": "a", "public": true, "redirect_uris": ["https://evil@a.example/cb"]}]}"#,
                "clients[0].redirect_uris[0]: must not hold user information"
            ),
            (
                #"{"clients": [{"client_id": "a", "public": true, "redirect_uris": ["javascript:alert(1)"]}]}"#,
                "clients[0].redirect_uris[0]: a private-use scheme must be a reversed domain"
            ),
            (
                #"{"clients": [{"client_id": "a", "public": true, "redirect_uris": ["/callback"]}]}"#,
                "clients[0].redirect_uris[0]: must be an absolute URL"
            ),
            (
                #"{"clients": [{"client_id": "a", "client_secret": "f3a9c1d7e5b2846a0c9e7d3b1f5a8c2e", "redirect_uris": ["com.example.app:/cb"]}]}"#,
                "clients[0].redirect_uris[0]: must be an https URL (a private-use scheme only for a public client)"
            ),
            (
                #"{"clients": [{"client_id": "a", "public": true, "redirect_uris": ["https://a.example/cb"], "post_logout_redirect_uris": ["http://a.example/"]}]}"#,
                "clients[0].post_logout_redirect_uris[0]: must use https"
            ),
            (
                #"{"clients": [{"client_id": "a", "public": true, "redirect_uris": ["https://a.example/cb"], "scopes": ["openid", "admin"]}]}"#,
                "clients[0].scopes[1]: admin is not a scope"
            ),
            (
                #"{"clients": [{"client_id": "a", "public": true, "redirect_uris": ["https://a.example/cb"], "scopes": ["phone"]}]}"#,
                "clients[0].scopes: must include openid"
            ),
            (
                #"{"clients": [{"client_id": "a", "public": true, "redirect_uris": ["https://a.example/cb"], "id_token_signed_response_alg": "none"}]}"#,
                "clients[0].id_token_signed_response_alg: must be RS256, ES256 or EdDSA"
            ),
            (
                #"{"clients": [{"client_id": "a", "public": true, "redirect_uris": ["https://a.example/cb"]}, {"client_id": "a", "public": true, "redirect_uris": ["https://b.example/cb"]}]}"#,
                "clients[1].client_id: a is registered twice"
            ),
        ])
    func mistakesAreNamed(json: String, expected: String) {
        let problem = problem(json)
        #expect(problem?.hasPrefix(expected) == true, "\(problem ?? "accepted")")
    }

    @Test(
        "ISSUER: required with OAUTH_CLIENTS_FILE, alone only with ADMIN_TOKEN, an https URL; production needs an RSA key"
    )
    func issuerAndKeys() throws {
        let clients = try Self.file(
            #"{"clients": [{"client_id": "a", "public": true, "redirect_uris": ["https://a.example/cb"]}]}"#)
        func invalid(_ changes: [String: String]) -> AuthConfiguration.Invalid? {
            do {
                _ = try AuthConfiguration.fromEnvironment(Self.production.merging(changes) { $1 })
                return nil
            } catch { return error }
        }
        #expect(invalid(["OAUTH_CLIENTS_FILE": clients])?.setting == "ISSUER")
        // ISSUER alone: no client could ever be registered
        let alone = invalid(["ISSUER": "https://login.example.com"])
        #expect(alone?.setting == "ISSUER")
        #expect(alone?.problem.contains("set OAUTH_CLIENTS_FILE or ADMIN_TOKEN") == true)
        // with the admin API, clients come through /api/admin/clients
        let keysOnly = try AsymmetricTests.keysDirectory([("id-2026", try Self.rsaKeyPEM(), Date())])
        let adminOnly = try AuthConfiguration.fromEnvironment(
            Self.production.merging([
                "ISSUER": "https://login.example.com", "JWT_KEYS_DIR": keysOnly,
                "ADMIN_TOKEN": "admin-0123456789abcdefghijklmnopqrstuvwxyz",
            ]) { $1 })
        #expect(adminOnly.openID?.fileClients == [])
        #expect(adminOnly.openID?.issuer == "https://login.example.com")
        for bad in [
            "login.example.com", "http://login.example.com", "https://login.example.com/", "https://x.example?a=1",
        ] {
            #expect(invalid(["OAUTH_CLIENTS_FILE": clients, "ISSUER": bad])?.setting == "ISSUER", "\(bad)")
        }
        #expect(
            invalid(["OAUTH_CLIENTS_FILE": clients, "ISSUER": "https://login.example.com"])?.setting == "JWT_KEYS_DIR")
        #expect(
            invalid(["OAUTH_CLIENTS_FILE": "/nonexistent/clients.json", "ISSUER": "https://login.example.com"])?.problem
                == "cannot read /nonexistent/clients.json")

        let keys = try AsymmetricTests.keysDirectory([("id-2026", try Self.rsaKeyPEM(), Date())])
        let configuration = try AuthConfiguration.fromEnvironment(
            Self.production.merging([
                "OAUTH_CLIENTS_FILE": clients, "ISSUER": "https://login.example.com", "JWT_KEYS_DIR": keys,
            ]) { $1 })
        #expect(configuration.openID?.issuer == "https://login.example.com")
        #expect(configuration.openID?.idTokenKeys.keys.map(\.kid) == ["id-2026"])
        // the access tokens' iss follows the issuer unless JWT_ISSUER says otherwise
        #expect(configuration.issuer == "https://login.example.com")
        #expect(configuration.signingAlgorithm == .hs256 && configuration.signingKeys == nil)
        #expect(AuthConfiguration.settingNames.contains("ISSUER"))

        // http on the loopback interface, and a key made at start in development mode
        let development = try AuthConfiguration.fromEnvironment([
            "OAUTH_CLIENTS_FILE": clients, "ISSUER": "http://127.0.0.1:8000",
        ])
        #expect(development.openID?.idTokenKeys.keys.count == 1)
        #expect(development.openID?.idTokenKeys.algorithm == .rs256)
    }

    @Test("one keys folder: ES256 access keys beside RSA ID-token keys; a key of the other access algorithm is refused")
    func keysSideBySide() throws {
        let clients = try Self.file(
            #"{"clients": [{"client_id": "a", "public": true, "redirect_uris": ["https://a.example/cb"], "id_token_signed_response_alg": "ES256"}]}"#
        )
        let folder = try AsymmetricTests.keysDirectory([
            ("access-1", P256.Signing.PrivateKey().pemRepresentation, Date()),
            ("id-1", try Self.rsaKeyPEM(), Date()),
        ])
        var environment = Self.production.merging([
            "JWT_ALGORITHM": "ES256", "JWT_KEYS_DIR": folder, "OAUTH_CLIENTS_FILE": clients,
            "ISSUER": "https://login.example.com",
        ]) { $1 }
        let configuration = try AuthConfiguration.fromEnvironment(environment)
        #expect(configuration.signingKeys?.keys.map(\.kid) == ["access-1"])
        #expect(configuration.openID?.idTokenKeys.keys.map(\.kid) == ["id-1"])

        environment["JWT_ALGORITHM"] = "EdDSA"
        #expect { try AuthConfiguration.fromEnvironment(environment) } throws: {
            ($0 as? AuthConfiguration.Invalid)?.problem == "access-1.pem is a ES256 key, not a EdDSA key"
        }
        // a client's ES256 ID tokens need ES256 access keys
        environment["JWT_ALGORITHM"] = nil
        #expect { try AuthConfiguration.fromEnvironment(environment) } throws: {
            ($0 as? AuthConfiguration.Invalid)?.problem.hasPrefix(
                "clients[0].id_token_signed_response_alg: ES256 needs JWT_ALGORITHM=ES256") == true
        }
        // an RSA folder alone is no access-token key set
        let rsaOnly = try AsymmetricTests.keysDirectory([("id-1", try Self.rsaKeyPEM(), Date())])
        #expect {
            try SigningKeySet.load(directory: rsaOnly, algorithm: .es256)
        } throws: { ($0 as? AuthConfiguration.Invalid)?.problem == "has no .pem private key for ES256" }
    }

    @Test("the JWKS publishes the ID tokens' RSA key beside the access tokens' keys, as a verifier reads it")
    func jwksPublishesRSA() async throws {
        let pem = try Self.rsaKeyPEM()
        let folder = try AsymmetricTests.keysDirectory([("id-1", pem, Date())])
        try await withStack(configure: { configuration in
            configuration.openID = OpenIDSettings(
                issuer: "https://login.example.com", fileClients: [],
                idTokenKeys: try! SigningKeySet.load(directory: folder, algorithm: .rs256))
        }) { stack in
            let jwks = try await stack.auth.execute(uri: "/.well-known/jwks.json", method: .get) {
                String(buffer: $0.body)
            }
            let keys = try JSONDecoder().decode([String: [[String: String]]].self, from: Data(jwks.utf8))["keys"] ?? []
            #expect(keys.map { $0["kid"] } == ["id-1"])
            #expect(keys.first?["kty"] == "RSA" && keys.first?["alg"] == "RS256" && keys.first?["d"] == nil)
            // a token signed with the private key verifies with the published key alone
            let signer = JWTKeyCollection()
            await signer.add(rsa: try Insecure.RSA.PrivateKey(pem: pem), digestAlgorithm: .sha256, kid: "id-1")
            let now = Date()
            let claims = AccessClaims(
                sub: .init(value: "+14155550100"), iat: .init(value: now), nbf: .init(value: now),
                exp: .init(value: now.addingTimeInterval(60)), jti: .init(value: "x"), type: "access")
            let token = try await signer.sign(claims, kid: "id-1")
            let verifier = JWTKeyCollection()
            try await verifier.add(jwksJSON: jwks)
            #expect(try await verifier.verify(token, as: AccessClaims.self).sub.value == "+14155550100")
            // and the server never takes it for an access token
            #expect(try await stack.protected("Bearer \(token)").0 == .unauthorized)
        }
    }
}
