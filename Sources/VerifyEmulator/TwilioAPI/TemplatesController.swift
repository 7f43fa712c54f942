import Hummingbird
import VerifyWire

/// `GET /v2/Templates`: the template catalogue (``TemplateCatalogue``), filtered by a
/// `FriendlyName` substring, paged.
struct TemplatesController: Sendable {
    let urls: ResourceURLs

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add("/v2/Templates", endpoint: .templates, get: list)
    }

    @Sendable func list(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let query = try request.queryForm()
        let page = try PageRequest(query: query)
        var templates = TemplateCatalogue.templates
        if let name = try query.string("FriendlyName") {
            templates = templates.filter { $0.friendlyName.lowercased().contains(name.lowercased()) }
        }
        let slice = templates.dropFirst(page.offset).prefix(page.pageSize + 1)
        let base = urls.base(request)
        return try JSONResponse.make(
            ListPage(
                items: slice.prefix(page.pageSize).map { TemplateCatalogue.resource($0, account: account.rawValue) },
                meta: page.meta(
                    listURL: base + context.requestPath, hasMore: slice.count > page.pageSize, key: "templates")))
    }
}
