import CryptoExtras
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The server as an OpenID Connect provider: on when `ISSUER` is set, for the clients of
/// `OAUTH_CLIENTS_FILE` and those registered through the admin API (`ADMIN_TOKEN`).
///
/// ```sh
/// ISSUER=https://login.example.com OAUTH_CLIENTS_FILE=/etc/auth/clients.json \
///   JWT_KEYS_DIR=/etc/auth/keys auth-server   # keys/: an RSA key (openssl genpkey -algorithm RSA)
/// ```
public struct OpenIDSettings: Sendable {
    /// The `iss` of ID tokens and the base of the discovery URL, exactly as clients compare it.
    public var issuer: String
    /// The clients of `OAUTH_CLIENTS_FILE` (none without it).
    public var fileClients: [OAuthClient]
    /// The RSA keys ID tokens are signed with (RS256), from `JWT_KEYS_DIR`; in development mode
    /// without that folder, one made at start (as the development signing secret is).
    public var idTokenKeys: SigningKeySet

    static let settingNames = ["ISSUER", "OAUTH_CLIENTS_FILE"]
    /// How long an ID token is valid; a retired RSA key stays published as long after.
    static let idTokenLifetime: TimeInterval = 3600

    /// Reads the settings; nil when `ISSUER` is not set. `adminAPI`: `ADMIN_TOKEN` is set, so
    /// clients can be registered without a file.
    static func read(
        _ value: (String) -> String?, development: Bool, accessAlgorithm: SigningAlgorithm, adminAPI: Bool
    ) throws(AuthConfiguration.Invalid) -> OpenIDSettings? {
        let path = value("OAUTH_CLIENTS_FILE")
        guard let issuer = value("ISSUER") else {
            if path != nil {
                throw .init(
                    setting: "ISSUER",
                    problem: "is required with OAUTH_CLIENTS_FILE (such as https://login.example.com)")
            }
            return nil
        }
        if let problem = issuerProblem(issuer) { throw .init(setting: "ISSUER", problem: problem) }
        guard path != nil || adminAPI else {
            throw .init(
                setting: "ISSUER",
                problem:
                    "makes this an OpenID Connect provider, but no client can be registered: set OAUTH_CLIENTS_FILE or ADMIN_TOKEN (clients through /api/admin/clients); JWT_ISSUER alone sets the access tokens' iss"
            )
        }
        let clients =
            try path.map { path throws(AuthConfiguration.Invalid) in try OAuthClientsFile.load(path: path) } ?? []
        for (index, client) in clients.enumerated() {
            if let problem = client.idTokenAlgorithm.problem(signingWith: accessAlgorithm) {
                throw .init(
                    setting: "OAUTH_CLIENTS_FILE", problem: "clients[\(index)].id_token_signed_response_alg: \(problem)"
                )
            }
        }
        let keys: SigningKeySet
        if let directory = value("JWT_KEYS_DIR") {
            keys = try SigningKeySet.load(directory: directory, algorithm: .rs256)
        } else if development {
            keys = try temporaryRSAKeys()
        } else {
            throw .init(
                setting: "JWT_KEYS_DIR",
                problem:
                    "is required with ISSUER: a directory with an RSA private key for ID tokens (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)"
            )
        }
        return OpenIDSettings(issuer: issuer, fileClients: clients, idTokenKeys: keys)
    }

    /// Why `issuer` is no OpenID issuer, or nil: an https URL without query or fragment (OpenID
    /// Connect Discovery §2), http only on the loopback interface, no `/` at the end (clients
    /// append `/.well-known/openid-configuration` to it).
    static func issuerProblem(_ issuer: String) -> String? {
        let https = issuer.hasPrefix("https://")
        guard https || issuer.hasPrefix("http://") else {
            return "must be an https URL such as https://login.example.com"
        }
        guard !issuer.contains("?"), !issuer.contains("#"), !issuer.hasSuffix("/") else {
            return "must have no query, no fragment and no / at the end"
        }
        guard RedirectURIRule.problem(with: issuer, publicClient: false) == nil else {
            return
                "must be an https URL such as https://login.example.com (http only for 127.0.0.1, [::1] or localhost)"
        }
        return nil
    }

    /// A development server's ID-token key, new at each start like its access-token secret.
    static func temporaryRSAKeys() throws(AuthConfiguration.Invalid) -> SigningKeySet {
        do {
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            return SigningKeySet(
                algorithm: .rs256,
                keys: [
                    .init(
                        kid: "development-" + OpaqueToken.make().prefix(8), pem: key.pemRepresentation,
                        createdAt: Date())
                ])
        } catch {
            throw .init(setting: "JWT_KEYS_DIR", problem: "could not make a development RSA key: \(error)")
        }
    }
}
