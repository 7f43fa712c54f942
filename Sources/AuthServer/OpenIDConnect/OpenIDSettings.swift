import CryptoExtras
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The server as an OpenID Connect provider: on when `OAUTH_CLIENTS_FILE` registers clients.
///
/// ```sh
/// ISSUER=https://login.example.com OAUTH_CLIENTS_FILE=/etc/auth/clients.json \
///   JWT_KEYS_DIR=/etc/auth/keys auth-server   # keys/: an RSA key (openssl genpkey -algorithm RSA)
/// ```
public struct OpenIDSettings: Sendable {
    /// The `iss` of ID tokens and the base of the discovery URL, exactly as clients compare it.
    public var issuer: String
    public var clients: [OAuthClient]
    /// The RSA keys ID tokens are signed with (RS256), from `JWT_KEYS_DIR`; in development mode
    /// without that folder, one made at start (as the development signing secret is).
    public var idTokenKeys: SigningKeySet

    static let settingNames = ["ISSUER", "OAUTH_CLIENTS_FILE"]
    /// How long an ID token is valid; a retired RSA key stays published as long after.
    static let idTokenLifetime: TimeInterval = 3600

    /// The client registered as `id`.
    func client(_ id: String) -> OAuthClient? { clients.first { $0.id == id } }

    /// Reads the settings; nil when no clients file is set.
    static func read(
        _ value: (String) -> String?, development: Bool, accessAlgorithm: SigningAlgorithm
    ) throws(AuthConfiguration.Invalid) -> OpenIDSettings? {
        guard let path = value("OAUTH_CLIENTS_FILE") else {
            if value("ISSUER") != nil {
                throw .init(
                    setting: "ISSUER",
                    problem:
                        "names the OpenID Connect issuer: set OAUTH_CLIENTS_FILE too (JWT_ISSUER alone sets the access tokens' iss)"
                )
            }
            return nil
        }
        guard let issuer = value("ISSUER") else {
            throw .init(
                setting: "ISSUER", problem: "is required with OAUTH_CLIENTS_FILE (such as https://login.example.com)")
        }
        if let problem = issuerProblem(issuer) { throw .init(setting: "ISSUER", problem: problem) }
        let clients = try OAuthClientsFile.load(path: path)
        for (index, client) in clients.enumerated() where client.idTokenAlgorithm != .rs256 {
            guard client.idTokenAlgorithm.rawValue == accessAlgorithm.rawValue else {
                throw .init(
                    setting: "OAUTH_CLIENTS_FILE",
                    problem:
                        "clients[\(index)].id_token_signed_response_alg: \(client.idTokenAlgorithm.rawValue) needs JWT_ALGORITHM=\(client.idTokenAlgorithm.rawValue) and its keys"
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
                    "is required with OAUTH_CLIENTS_FILE: a directory with an RSA private key for ID tokens (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)"
            )
        }
        return OpenIDSettings(issuer: issuer, clients: clients, idTokenKeys: keys)
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
