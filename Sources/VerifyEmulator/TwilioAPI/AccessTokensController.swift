import Hummingbird
import VerifyWire

/// `/v2/Services/{VA}/AccessTokens`: create (`Identity`, `FactorType=push`, `FactorFriendlyName`,
/// `Ttl` 60–300 s, default 60) and fetch. The token is opaque and shaped as Twilio's (a compact
/// JWE with an empty key part); the emulator knows it by its text.
struct AccessTokensController: Sendable {
    let tokens: AccessTokenStore
    let urls: ResourceURLs

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add("/v2/Services/:service/AccessTokens", endpoint: .accessTokens, post: create)
        routes.add("/v2/Services/:service/AccessTokens/:token", endpoint: .accessTokens, get: fetch)
    }

    static func invalid(_ hint: String) -> TwilioError {
        TwilioError(code: 60305, status: 400, message: "Invalid access token parameters", hint: hint)
    }

    @Sendable func create(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let service = try context.pathSID("service", .service, path: context.requestPath)
        let form = try await request.form(context: context)
        guard let identity = form["Identity"], !identity.isEmpty else { throw Self.invalid("Identity is required") }
        try FactorForms.checkIdentity(identity)
        guard let type = form["FactorType"] else { throw Self.invalid("FactorType is required") }
        guard type == FactorType.push.rawValue else { throw Self.invalid("FactorType must be push") }
        let record = try await tokens.mint(
            account: account, service: service, identity: identity,
            friendlyName: try form.string("FactorFriendlyName", maxLength: 64),
            ttl: try form.int("Ttl", in: AccessTokenStore.ttlRange) ?? AccessTokenStore.defaultTTL)
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)), status: .created)
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let path = context.requestPath
        let record = try await tokens.fetch(
            account: try context.requireAccount(), service: try context.pathSID("service", .service, path: path),
            sid: try context.pathSID("token", .accessToken, path: path))
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)))
    }
}
