import HTTPTypes
import Hummingbird
import NIOCore
import ServerOperations
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// OpenID Connect's machine endpoints: discovery (`/.well-known/openid-configuration`), the
/// token endpoint (`/oauth/token`) and userinfo (`/oauth/userinfo`). The browser's side
/// (`/oauth/authorize`) is in the pages (`WebApp+Authorize.swift`), where the sign-in session is.
///
/// ```sh
/// curl https://login.example.com/.well-known/openid-configuration
/// ```
struct OpenIDController: Sendable {
    /// Where a browser resumes an authorization request once it has signed in.
    static let continuePath = "/oauth/authorize/continue"

    let provider: OpenIDProvider
    /// RFC 6749 §5.1 asks for `Pragma: no-cache` beside `Cache-Control: no-store` (HTTP/1.0 caches).
    static let pragma = HTTPField.Name("Pragma")!

    /// `signedIn` admits any verified bearer token (userinfo checks what it was issued for).
    func addRoutes(to router: Router<AuthRequestContext>, signedIn: RouterGroup<AuthRequestContext>) {
        let document = discovery()
        router.get("/.well-known/openid-configuration") { _, _ in
            try JSONResponse.make(document, headers: [.cacheControl: "public, max-age=300"])
        }
        router.post("/oauth/token", use: token)
        router.post("/oauth/introspect", use: introspect)
        router.post("/oauth/revoke", use: revoke)
        signedIn.get("/oauth/userinfo", use: userinfo)
        signedIn.post("/oauth/userinfo", use: userinfo)
    }

    /// The provider's metadata (OpenID Connect Discovery 1.0 §3, RFC 8414).
    func discovery() -> [String: JSONValue] {
        let issuer = provider.settings.issuer
        // RS256, and the access tokens' algorithm when a client may ask for it
        var algorithms = ["RS256"]
        if let access = IDTokenAlgorithm(rawValue: provider.clients.accessAlgorithm.rawValue), access != .rs256 {
            algorithms.append(access.rawValue)
        }
        return [
            "issuer": .string(issuer),
            "authorization_endpoint": .string(issuer + "/oauth/authorize"),
            "token_endpoint": .string(issuer + "/oauth/token"),
            "userinfo_endpoint": .string(issuer + "/oauth/userinfo"),
            "jwks_uri": .string(issuer + "/.well-known/jwks.json"),
            "introspection_endpoint": .string(issuer + "/oauth/introspect"),
            "revocation_endpoint": .string(issuer + "/oauth/revoke"),
            "end_session_endpoint": .string(issuer + "/oauth/logout"),
            "introspection_endpoint_auth_methods_supported": .strings(["client_secret_basic", "client_secret_post"]),
            "revocation_endpoint_auth_methods_supported": .strings([
                "client_secret_basic", "client_secret_post", "none",
            ]),
            "response_types_supported": .strings(["code"]),
            "response_modes_supported": .strings(["query"]),
            "grant_types_supported": .strings(["authorization_code", "refresh_token"]),
            "subject_types_supported": .strings(["public"]),
            "id_token_signing_alg_values_supported": .strings(algorithms),
            "scopes_supported": .strings(OAuthScope.allCases.map(\.rawValue)),
            "token_endpoint_auth_methods_supported": .strings(["client_secret_basic", "client_secret_post", "none"]),
            "code_challenge_methods_supported": .strings(["S256"]),
            "prompt_values_supported": .strings(["none", "login", "consent", "select_account"]),
            "claims_supported": .strings([
                "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "amr", "preferred_username", "email",
                "email_verified", "phone_number", "phone_number_verified",
            ]),
            "authorization_response_iss_parameter_supported": .bool(true),
            "request_parameter_supported": .bool(false),
            "request_uri_parameter_supported": .bool(false),
            "claims_parameter_supported": .bool(false),
        ]
    }

    /// `POST /oauth/token` (RFC 6749 §3.2): a form, the client authenticated by HTTP Basic or
    /// by `client_id` and `client_secret` in the form (never both), or a public client by its
    /// `client_id` alone.
    @Sendable func token(_ request: Request, context: AuthRequestContext) async throws -> Response {
        try await answering(request) { form, client in try await token(form, client: client) }
    }

    private func token(_ form: FormData, client: OAuthClient) async throws -> Response {
        let outcome: Result<OpenIDProvider.TokenResponse, OAuthError>
        switch form["grant_type"] {
        case "authorization_code":
            guard let code = form["code"], !code.isEmpty else {
                return Self.refusal(OAuthError(.invalidRequest, "code is required"))
            }
            outcome = try await provider.exchange(
                code: code, redirectURI: form["redirect_uri"], verifier: form["code_verifier"], client: client)
        case "refresh_token":
            guard let token = form["refresh_token"], !token.isEmpty else {
                return Self.refusal(OAuthError(.invalidRequest, "refresh_token is required"))
            }
            guard client.scopes.contains(.offlineAccess) else {
                return Self.refusal(OAuthError(.unauthorizedClient, "\(client.id) may not use refresh tokens"))
            }
            outcome = try await provider.refresh(token, scope: form["scope"], client: client)
        case nil:
            return Self.refusal(OAuthError(.invalidRequest, "grant_type is required"))
        case let other?:
            return Self.refusal(
                OAuthError(.unsupportedGrantType, "grant_type \(other.prefix(50)) is not supported"))
        }
        switch outcome {
        case .success(let answer):
            return try JSONResponse.make(answer, headers: [.cacheControl: "no-store", Self.pragma: "no-cache"])
        case .failure(let error):
            return Self.refusal(error)
        }
    }

    /// The form of a client's request (RFC 6749 §3.2: form-encoded, no parameter twice) and the
    /// client it proves it is, by HTTP Basic or by `client_id` and `client_secret` in the form
    /// (never both), or a public client by its `client_id` alone; or the refusal to answer.
    private func clientRequest(_ request: Request) async throws -> ClientRequest {
        var request = request
        guard MediaType.isForm(request.headers[.contentType]) else {
            return .refused(
                Self.refusal(OAuthError(.invalidRequest, "Send the request as application/x-www-form-urlencoded")))
        }
        let form: FormData
        do {
            let body = try await request.collectBody(upTo: 64 * 1024)
            form = try FormData(parsing: Array(body.readableBytesView))
        } catch {
            return .refused(Self.refusal(OAuthError(.invalidRequest, "The form could not be read")))
        }
        // a parameter sent twice: which one counts would be a guess
        if let repeated = Set(form.fields.map(\.name)).sorted().first(where: { form.values($0).count > 1 }) {
            return .refused(Self.refusal(OAuthError(.invalidRequest, "\(repeated.prefix(50)) is repeated")))
        }
        let credentials: OpenIDProvider.ClientCredentials
        switch Self.credentials(request.headers[.authorization], form: form) {
        case .success(let found): credentials = found
        case .failure(let error): return .refused(Self.refusal(error))
        }
        switch try await provider.authenticate(credentials) {
        case .success(let client): return .accepted(form, client)
        case .failure(let error): return .refused(Self.refusal(error, basic: credentials.basic))
        }
    }

    /// A client's request read and its client authenticated, or the answer refusing it.
    private enum ClientRequest {
        case accepted(FormData, OAuthClient)
        case refused(Response)
    }

    /// `answer`'s response to a client's request once ``clientRequest(_:)`` read and
    /// authenticated it; the refusal otherwise. The token, introspection and revocation
    /// endpoints all start so.
    private func answering(
        _ request: Request, _ answer: (FormData, OAuthClient) async throws -> Response
    ) async throws -> Response {
        switch try await clientRequest(request) {
        case .accepted(let form, let client): return try await answer(form, client)
        case .refused(let refusal): return refusal
        }
    }

    /// `POST /oauth/introspect` (RFC 7662), for a confidential client (a resource server).
    @Sendable func introspect(_ request: Request, context: AuthRequestContext) async throws -> Response {
        try await answering(request) { form, client in
            guard !client.isPublic else {
                return Self.refusal(OAuthError(.invalidClient, "Introspection needs a client with a secret"))
            }
            guard let token = form["token"], !token.isEmpty else {
                return Self.refusal(OAuthError(.invalidRequest, "token is required"))
            }
            let answer = try await provider.introspect(token, caller: client)
            return try JSONResponse.make(answer, headers: [.cacheControl: "no-store", Self.pragma: "no-cache"])
        }
    }

    /// `POST /oauth/revoke` (RFC 7009): 200 whether or not there was anything to revoke.
    @Sendable func revoke(_ request: Request, context: AuthRequestContext) async throws -> Response {
        try await answering(request) { form, client in
            guard let token = form["token"], !token.isEmpty else {
                return Self.refusal(OAuthError(.invalidRequest, "token is required"))
            }
            try await provider.revoke(token, caller: client)
            return Response(status: .ok, headers: [.cacheControl: "no-store"])
        }
    }

    /// `GET` or `POST /oauth/userinfo` with a bearer access token issued to a client.
    @Sendable func userinfo(_ request: Request, context: AuthRequestContext) async throws -> Response {
        switch try await provider.userinfo(try context.requireBearer()) {
        case .success(let claims):
            return try JSONResponse.make(claims, headers: [.cacheControl: "no-store"])
        case .failure(let error):
            // RFC 6750 §3: the token is fine, but not for this
            return Response(
                status: .forbidden,
                headers: [
                    .wwwAuthenticate: #"Bearer error="insufficient_scope", error_description="\#(error.description)""#,
                    .contentType: "application/json",
                ],
                body: .init(
                    byteBuffer: ByteBuffer(
                        bytes: try JSONResponse.encode(
                            ErrorBody(error: "insufficient_scope", errorDescription: error.description)))))
        }
    }

    /// The client's credentials: `Authorization: Basic` (each half form-decoded, RFC 6749
    /// §2.3.1) or the form's `client_id` and `client_secret`.
    static func credentials(
        _ authorization: String?, form: FormData
    ) -> Result<OpenIDProvider.ClientCredentials, OAuthError> {
        guard let authorization else {
            return .success(.init(id: form["client_id"], secret: form["client_secret"], basic: false))
        }
        guard form["client_secret"] == nil else {
            return .failure(OAuthError(.invalidRequest, "Authenticate with Basic or with client_secret, not both"))
        }
        guard authorization.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(authorization.dropFirst(6).trimmingWhitespace())),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":"),
            let id = FormData.decodeComponent(String(text[..<colon])),
            let secret = FormData.decodeComponent(String(text[text.index(after: colon)...]))
        else {
            return .failure(OAuthError(.invalidClient, "The Authorization header is not HTTP Basic"))
        }
        if let formID = form["client_id"], formID != id {
            return .failure(OAuthError(.invalidRequest, "client_id differs from the Basic credentials"))
        }
        return .success(.init(id: id, secret: secret, basic: true))
    }

    struct ErrorBody: Encodable {
        var error: String
        var errorDescription: String
        enum CodingKeys: String, CodingKey {
            case error
            case errorDescription = "error_description"
        }
    }

    /// A token endpoint refusal (RFC 6749 §5.2): 400, or 401 with a `Basic` challenge for a
    /// client that failed to authenticate.
    static func refusal(_ error: OAuthError, basic: Bool = false) -> Response {
        var headers: HTTPFields = [
            .contentType: "application/json", .cacheControl: "no-store", Self.pragma: "no-cache",
        ]
        var status = HTTPResponse.Status.badRequest
        if error.code == .invalidClient {
            status = .unauthorized
            headers[.wwwAuthenticate] = #"Basic realm="auth-server", charset="UTF-8""#
        }
        let body =
            (try? JSONResponse.encode(ErrorBody(error: error.code.rawValue, errorDescription: error.description)))
            ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// A JSON value for documents built in code (discovery).
enum JSONValue: Encodable, Sendable {
    case string(String)
    case strings([String])
    case bool(Bool)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .strings(let values): try container.encode(values)
        case .bool(let value): try container.encode(value)
        }
    }
}
