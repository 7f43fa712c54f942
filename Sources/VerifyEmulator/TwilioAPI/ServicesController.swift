import Hummingbird
import VerifyWire

/// `/v2/Services` and `/v2/Services/{VA}`: create, list, fetch, update, delete. Controllers only
/// decode the form, call a store and render the resource; the rules live in the stores.
struct ServicesController: Sendable {
    let services: ServiceStore
    /// A push device may fetch its factor's service (the SDKs read it).
    let devices: DeviceAuthenticator
    let urls: ResourceURLs

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add("/v2/Services", endpoint: .services, get: list, post: create)
        routes.add("/v2/Services/:service", endpoint: .services, get: fetch, post: update, delete: delete)
    }

    @Sendable func create(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let parameters = try ServiceParameters(form: try await request.form(context: context), creating: true)
        let record = try await services.create(account: try context.requireAccount(), parameters: parameters)
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)), status: .created)
    }

    @Sendable func list(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let page = try PageRequest(query: try request.queryForm(), list: .services, path: context.requestPath)
        let found = try await services.list(account: try context.requireAccount(), page: page)
        let base = urls.base(request)
        return try JSONResponse.make(
            ListPage(
                items: found.rows.map { $0.resource(baseURL: base) },
                meta: page.meta(found, listURL: base + context.requestPath)))
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let sid = try context.pathSID("service", .service, path: context.requestPath)
        let caller = try await devices.caller(context, service: sid)
        let record = try await services.fetch(account: caller.account, sid: sid)
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)))
    }

    @Sendable func update(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let sid = try context.pathSID("service", .service, path: context.requestPath)
        let parameters = try ServiceParameters(form: try await request.form(context: context), creating: false)
        let record = try await services.update(
            account: try context.requireAccount(), sid: sid, parameters: parameters)
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)))
    }

    @Sendable func delete(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let sid = try context.pathSID("service", .service, path: context.requestPath)
        try await services.delete(account: try context.requireAccount(), sid: sid)
        return Response(status: .noContent)
    }
}
