import GRDB
import Hummingbird
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `/v2/Services/{VA}/AccessTokens`: create (`Identity`, `FactorType=push`, `FactorFriendlyName`,
/// `Ttl` 60–300 s, default 60) and fetch. The token is opaque and shaped as Twilio's (a compact
/// JWE with an empty key part); the emulator knows it by its text.
struct AccessTokensController: Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock
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
        let name = try form.string("FactorFriendlyName", maxLength: 64)
        let ttl = try form.int("Ttl", in: 60...300) ?? 60
        let now = clock.now().epochMilliseconds
        let sid = SID.random(.accessToken).rawValue
        let token = Self.opaqueToken()
        let path = context.requestPath
        let record = try await batcher.write { db in
            let serviceID = try RateLimitStore.serviceID(db, account: account, service: service, path: path)
            var record = AccessTokenRecord(
                sid: sid, serviceId: serviceID, serviceSid: service.rawValue, accountSid: account.rawValue,
                identity: identity, factorType: .push, factorFriendlyName: name, token: token, ttl: ttl, createdAt: now)
            try record.insert(db)
            return record
        }
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)), status: .created)
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let path = context.requestPath
        let service = try context.pathSID("service", .service, path: path)
        let sid = try context.pathSID("token", .accessToken, path: path)
        let record = try await writer.read { db in
            try AccessTokenRecord.filter(
                Column("sid") == sid.rawValue && Column("service_sid") == service.rawValue
                    && Column("account_sid") == account.rawValue
            ).fetchOne(db)
        }
        guard let record else { throw TwilioError.notFound(path, hint: "no access token \(sid) on \(service)") }
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)))
    }

    /// A compact-JWE-shaped token: Twilio's header, an empty key part, random IV, text and tag.
    static func opaqueToken() -> String {
        func part(_ count: Int) -> String {
            base64URL((0..<count).map { _ in UInt8.random(in: .min ... .max) })
        }
        let header = #"{"zip":"DEF","kid":"SAS_S3___KMS_v1","cty":"twilio-fpa;v=1","enc":"A256GCM","alg":"dir"}"#
        return "\(base64URL(Array(header.utf8)))..\(part(12)).\(part(96)).\(part(16))"
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
    }
}
