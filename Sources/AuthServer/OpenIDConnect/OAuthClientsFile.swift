// JSONSerialization (not in FoundationEssentials): each field is checked by hand, so a
// mistake is named by its path in the file
import Foundation

/// Reads `OAUTH_CLIENTS_FILE`:
///
/// ```json
/// {"clients": [
///   {"client_id": "notes-web", "name": "Notes", "client_secret_hash": "$2b$12$…",
///    "redirect_uris": ["https://notes.example.com/callback"],
///    "post_logout_redirect_uris": ["https://notes.example.com/"],
///    "scopes": ["openid", "profile", "phone", "offline_access"]},
///   {"client_id": "notes-ios", "public": true, "redirect_uris": ["com.example.notes:/callback"]}
/// ]}
/// ```
///
/// Every field is checked and a mistake stops start-up naming it (`clients[1].redirect_uris[0]:
/// …`); an unknown field is a mistake too, so a typo never leaves a client silently open.
enum OAuthClientsFile {
    static let setting = "OAUTH_CLIENTS_FILE"
    static let fields: Set<String> = [
        "client_id", "name", "client_secret_hash", "client_secret", "public", "redirect_uris",
        "post_logout_redirect_uris", "scopes", "id_token_signed_response_alg",
    ]

    static func load(path: String) throws(AuthConfiguration.Invalid) -> [OAuthClient] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw invalid("cannot read \(path)")
        }
        return try parse(data)
    }

    static func parse(_ data: Data) throws(AuthConfiguration.Invalid) -> [OAuthClient] {
        guard let document = try? JSONSerialization.jsonObject(with: data) else {
            throw invalid("is not JSON")
        }
        guard let object = document as? [String: Any], let list = object["clients"] as? [Any] else {
            throw invalid(#"must be a JSON object {"clients": [...]}"#)
        }
        var clients: [OAuthClient] = []
        for (index, entry) in list.enumerated() {
            let client = try parseClient(entry, at: "clients[\(index)]")
            if clients.contains(where: { $0.id == client.id }) {
                throw invalid("clients[\(index)].client_id: \(client.id) is registered twice")
            }
            clients.append(client)
        }
        return clients
    }

    /// A JSON object's fields, for ``parseClient(_:at:)``; nil when `data` is no JSON object.
    static func object(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// One client's fields (`path`: where it is, for the messages; empty for a lone object, as
    /// the admin API's `POST /api/admin/clients` body).
    static func parseClient(_ entry: Any, at path: String) throws(AuthConfiguration.Invalid) -> OAuthClient {
        guard let fields = entry as? [String: Any] else { throw invalid("\(at(path)): must be an object") }
        if let unknown = fields.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            throw invalid(
                "\(at(path, unknown)): is not a client field (\(Self.fields.sorted().joined(separator: ", ")))")
        }
        guard let id = fields["client_id"] as? String else {
            throw invalid("\(at(path, "client_id")): is required (a string)")
        }
        guard (1...100).contains(id.count),
            id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._~".contains($0)) })
        else {
            throw invalid("\(at(path, "client_id")): must be 1 to 100 letters, digits, - . _ or ~")
        }
        let name = try string(fields["name"], at(path, "name")) ?? id
        let isPublic: Bool
        switch fields["public"] {
        case nil: isPublic = false
        case let flag as Bool: isPublic = flag
        default: throw invalid("\(at(path, "public")): must be true or false")
        }
        let authentication: OAuthClient.Authentication
        switch (
            try string(fields["client_secret_hash"], at(path, "client_secret_hash")),
            try string(fields["client_secret"], at(path, "client_secret")), isPublic
        ) {
        case (nil, nil, true):
            authentication = .publicClient
        case (let hash?, nil, false):
            guard hash.count == 60, ["$2a$", "$2b$", "$2y$"].contains(where: hash.hasPrefix) else {
                throw invalid("\(at(path, "client_secret_hash")): must be a bcrypt hash ($2b$12$… , 60 characters)")
            }
            authentication = .secretHash(hash)
        case (nil, let secret?, false):
            if ClientSecretHash.problem(with: secret) != nil {
                throw invalid("\(at(path, "client_secret")): must be 32 to 72 random characters (openssl rand -hex 32)")
            }
            authentication = .plainSecret(secret)
        case (nil, nil, false):
            throw invalid(#"\#(at(path)): needs client_secret_hash, client_secret or "public": true"#)
        case (_, _, true):
            throw invalid("\(at(path, "public")): a public client has no secret; drop the secret or public")
        case (.some, .some, false):
            throw invalid("\(at(path, "client_secret")): give client_secret_hash or client_secret, not both")
        }
        let redirects = try uris(fields["redirect_uris"], at(path, "redirect_uris"), publicClient: isPublic)
        guard !redirects.isEmpty else { throw invalid("\(at(path, "redirect_uris")): is required (at least one URL)") }
        let logouts = try uris(
            fields["post_logout_redirect_uris"], at(path, "post_logout_redirect_uris"), publicClient: isPublic)
        var scopes = Set(OAuthScope.allCases)
        if let value = fields["scopes"] {
            guard let names = value as? [String] else {
                throw invalid("\(at(path, "scopes")): must be a list of strings")
            }
            scopes = []
            for (index, name) in names.enumerated() {
                guard let scope = OAuthScope(rawValue: name) else {
                    throw invalid(
                        "\(at(path, "scopes"))[\(index)]: \(name) is not a scope (\(OAuthScope.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                }
                scopes.insert(scope)
            }
            guard scopes.contains(.openid) else { throw invalid("\(at(path, "scopes")): must include openid") }
        }
        var algorithm = IDTokenAlgorithm.rs256
        if let text = try string(fields["id_token_signed_response_alg"], at(path, "id_token_signed_response_alg")) {
            guard let chosen = IDTokenAlgorithm(rawValue: text) else {
                throw invalid("\(at(path, "id_token_signed_response_alg")): must be RS256, ES256 or EdDSA")
            }
            algorithm = chosen
        }
        return OAuthClient(
            id: id, name: name, authentication: authentication, redirectURIs: redirects,
            postLogoutRedirectURIs: logouts, scopes: scopes, idTokenAlgorithm: algorithm)
    }

    /// `name` inside `path`, as a message names it.
    private static func at(_ path: String, _ name: String? = nil) -> String {
        guard let name else { return path.isEmpty ? "the client" : path }
        return path.isEmpty ? name : "\(path).\(name)"
    }

    private static func string(_ value: Any?, _ path: String) throws(AuthConfiguration.Invalid) -> String? {
        guard let value else { return nil }
        guard let text = value as? String, !text.isEmpty else { throw invalid("\(path): must be a non-empty string") }
        return text
    }

    private static func uris(
        _ value: Any?, _ path: String, publicClient: Bool
    ) throws(AuthConfiguration.Invalid) -> [String] {
        guard let value else { return [] }
        guard let list = value as? [String] else { throw invalid("\(path): must be a list of URLs") }
        for (index, uri) in list.enumerated() {
            if let problem = RedirectURIRule.problem(with: uri, publicClient: publicClient) {
                throw invalid("\(path)[\(index)]: \(problem)")
            }
        }
        return list
    }

    private static func invalid(_ problem: String) -> AuthConfiguration.Invalid {
        .init(setting: setting, problem: problem)
    }
}
