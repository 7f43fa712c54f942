import Hummingbird
import VerifyWire

/// `/v2/Services/{VA}/Webhooks`: create, list, fetch, update, delete.
struct WebhooksController: Sendable {
    let webhooks: WebhookStore
    let urls: ResourceURLs

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add("/v2/Services/:service/Webhooks", endpoint: .webhooks, get: list, post: create)
        routes.add(
            "/v2/Services/:service/Webhooks/:webhook", endpoint: .webhooks, get: fetch, post: update, delete: delete)
    }

    @Sendable func create(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let (account, service) = (
            try context.requireAccount(), try context.pathSID("service", .service, path: context.requestPath)
        )
        let form = try WebhookStore.Form(form: try await request.form(context: context), creating: true)
        let record = try await webhooks.create(account: account, service: service, form)
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)), status: .created)
    }

    @Sendable func list(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let (account, service) = (
            try context.requireAccount(), try context.pathSID("service", .service, path: context.requestPath)
        )
        let page = try PageRequest(query: try request.queryForm(), list: .webhooks, path: context.requestPath)
        let found = try await webhooks.webhooks(
            account: account, service: service, page: page)
        let base = urls.base(request)
        return try JSONResponse.make(
            ListPage(
                items: found.rows.map { $0.resource(baseURL: base) },
                meta: page.meta(found, listURL: base + context.requestPath)))
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let path = context.requestPath
        let record = try await webhooks.webhook(
            account: try context.requireAccount(), service: try context.pathSID("service", .service, path: path),
            sid: try context.pathSID("webhook", .webhook, path: path))
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)))
    }

    @Sendable func update(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let path = context.requestPath
        let form = try WebhookStore.Form(form: try await request.form(context: context), creating: false)
        let record = try await webhooks.update(
            account: try context.requireAccount(), service: try context.pathSID("service", .service, path: path),
            sid: try context.pathSID("webhook", .webhook, path: path), form)
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)))
    }

    @Sendable func delete(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let path = context.requestPath
        try await webhooks.delete(
            account: try context.requireAccount(), service: try context.pathSID("service", .service, path: path),
            sid: try context.pathSID("webhook", .webhook, path: path))
        return Response(status: .noContent)
    }
}
