import Hummingbird
import VerifyWire

/// `/v2/Services/{VA}/MessagingConfigurations`: create (`Country`, `MessagingServiceSid`),
/// list, and per country fetch, update, delete.
struct MessagingConfigurationsController: Sendable {
    let configurations: MessagingConfigurationStore
    let urls: ResourceURLs

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add(
            "/v2/Services/:service/MessagingConfigurations", endpoint: .messagingConfigurations, get: list, post: create
        )
        routes.add(
            "/v2/Services/:service/MessagingConfigurations/:country", endpoint: .messagingConfigurations, get: fetch,
            post: update, delete: delete)
    }

    static func messagingService(_ form: FormData) throws(TwilioError) -> SID {
        guard let sid = try form.sid("MessagingServiceSid", .messagingService) else {
            throw .invalidParameter("MessagingServiceSid", hint: "MessagingServiceSid (MG…) is required")
        }
        return sid
    }

    @Sendable func create(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let form = try await request.form(context: context)
        guard let country = try form.string("Country", required: true) else {
            throw TwilioError.invalidParameter("Country", hint: "Country is required")
        }
        let row = try await configurations.create(
            account: try context.requireAccount(),
            service: try context.pathSID("service", .service, path: context.requestPath),
            country: country, messagingService: try Self.messagingService(form))
        return try JSONResponse.make(row.resource(baseURL: urls.base(request)), status: .created)
    }

    @Sendable func list(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let page = try PageRequest(
            query: try request.queryForm(), list: .messagingConfigurations, path: context.requestPath)
        let found = try await configurations.list(
            account: try context.requireAccount(),
            service: try context.pathSID("service", .service, path: context.requestPath),
            page: page)
        let base = urls.base(request)
        return try JSONResponse.make(
            ListPage(
                items: found.rows.map { $0.resource(baseURL: base) },
                meta: page.meta(found, listURL: base + context.requestPath))
        )
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let row = try await configurations.fetch(
            account: try context.requireAccount(),
            service: try context.pathSID("service", .service, path: context.requestPath),
            country: context.parameters.get("country") ?? "")
        return try JSONResponse.make(row.resource(baseURL: urls.base(request)))
    }

    @Sendable func update(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let form = try await request.form(context: context)
        let row = try await configurations.update(
            account: try context.requireAccount(),
            service: try context.pathSID("service", .service, path: context.requestPath),
            country: context.parameters.get("country") ?? "", messagingService: try Self.messagingService(form))
        return try JSONResponse.make(row.resource(baseURL: urls.base(request)))
    }

    @Sendable func delete(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        try await configurations.delete(
            account: try context.requireAccount(),
            service: try context.pathSID("service", .service, path: context.requestPath),
            country: context.parameters.get("country") ?? "")
        return Response(status: .noContent)
    }
}
