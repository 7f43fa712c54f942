import Hummingbird
import VerifyWire

/// `/v2/Services/{VA}/RateLimits`: create, fetch, list, update, delete. A rate limit may be
/// addressed by its SID or its unique name.
struct RateLimitsController: Sendable {
    let rateLimits: RateLimitStore
    let urls: ResourceURLs

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add("/v2/Services/:service/RateLimits", endpoint: .rateLimits, get: list, post: create)
        routes.add(
            "/v2/Services/:service/RateLimits/:rateLimit", endpoint: .rateLimits, get: fetch, post: update,
            delete: delete)
    }

    @Sendable func create(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.rateLimitTarget()
        let form = try await request.form(context: context)
        guard let uniqueName = try form.string("UniqueName", required: true) else {
            throw TwilioError.invalidParameter("UniqueName", hint: "UniqueName is required")
        }
        try RateLimitStore.validateUniqueName(uniqueName)
        let description = try form.string("Description", maxLength: 255)
        let record = try await rateLimits.createRateLimit(
            account: target.account, service: target.service, uniqueName: uniqueName, description: description)
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)), status: .created)
    }

    @Sendable func list(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.rateLimitTarget()
        let page = try PageRequest(query: try request.queryForm(), list: .rateLimits, path: context.requestPath)
        let found = try await rateLimits.rateLimits(
            account: target.account, service: target.service, page: page)
        let base = urls.base(request)
        return try JSONResponse.make(
            ListPage(
                items: found.rows.map { $0.resource(baseURL: base) },
                meta: page.meta(found, listURL: base + context.requestPath)))
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.rateLimitTarget()
        let record = try await rateLimits.rateLimit(
            account: target.account, service: target.service, key: target.rateLimit)
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)))
    }

    @Sendable func update(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.rateLimitTarget()
        let form = try await request.form(context: context)
        let description = try form.string("Description", maxLength: 255)
        let record = try await rateLimits.updateRateLimit(
            account: target.account, service: target.service, key: target.rateLimit, description: description)
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)))
    }

    @Sendable func delete(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.rateLimitTarget()
        try await rateLimits.deleteRateLimit(
            account: target.account, service: target.service, key: target.rateLimit)
        return Response(status: .noContent)
    }
}

/// What every rate-limit and bucket route names: the account, the service, the rate limit's SID
/// or unique name (empty on the list routes), and the path for error messages.
struct RateLimitTarget {
    var account: SID
    var service: SID
    var rateLimit: String
    var path: String
}

extension EmulatorRequestContext {
    func rateLimitTarget() throws(TwilioError) -> RateLimitTarget {
        RateLimitTarget(
            account: try requireAccount(), service: try pathSID("service", .service, path: requestPath),
            rateLimit: parameters.get("rateLimit") ?? "", path: requestPath)
    }
}
