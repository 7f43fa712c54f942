import Hummingbird
import VerifyWire

/// `/v2/Services/{VA}/Entities`: create, list, fetch, delete (with its factors and challenges).
struct EntitiesController: Sendable {
    let factors: FactorStore
    let urls: ResourceURLs

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add("/v2/Services/:service/Entities", endpoint: .entities, get: list, post: create)
        routes.add("/v2/Services/:service/Entities/:identity", endpoint: .entities, get: fetch, delete: delete)
    }

    @Sendable func create(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let form = try await request.form(context: context)
        guard let identity = try form.string("Identity", required: true) else {
            throw TwilioError(
                code: 60366, status: 400, message: "Entity identity is required", hint: "Identity is required")
        }
        var target = try context.factorTarget()
        target.identity = identity
        let record = try await factors.createEntity(target)
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)), status: .created)
    }

    @Sendable func list(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.factorTarget()
        let page = try PageRequest(query: try request.queryForm(), list: .entities, path: context.requestPath)
        let found = try await factors.entities(target, page: page)
        let base = urls.base(request)
        return try JSONResponse.make(
            ListPage(
                items: found.rows.map { $0.resource(baseURL: base) },
                meta: page.meta(found, listURL: base + context.requestPath)))
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let record = try await factors.entity(try context.factorTarget())
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)))
    }

    @Sendable func delete(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        try await factors.deleteEntity(try context.factorTarget())
        return Response(status: .noContent)
    }
}

extension EmulatorRequestContext {
    /// The account, service and entity identity (empty on the entity list) a route names.
    func factorTarget() throws(TwilioError) -> FactorStore.Target {
        FactorStore.Target(
            account: try requireAccount(), service: try pathSID("service", .service, path: requestPath),
            identity: parameters.get("identity") ?? "")
    }

    /// The target of a route a push device may call too, and who calls it.
    func factorTarget(
        devices: DeviceAuthenticator
    ) async throws -> (FactorStore.Target, DeviceAuthenticator.Caller) {
        let service = try pathSID("service", .service, path: requestPath)
        let caller = try await devices.caller(self, service: service)
        let target = FactorStore.Target(
            account: caller.account, service: service, identity: parameters.get("identity") ?? "")
        return (target, caller)
    }
}
