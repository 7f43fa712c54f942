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
        let page = try PageRequest(query: query, list: .templates, path: context.requestPath)
        // a template's key is its place in the catalogue, which never changes while running
        var templates = Array(TemplateCatalogue.templates.enumerated())
        if let name = try query.string("FriendlyName") {
            templates = templates.filter { $0.element.friendlyName.lowercased().contains(name.lowercased()) }
        }
        let found = Page(all: templates, request: page) { Int64($0.offset) }
        let base = urls.base(request)
        return try JSONResponse.make(
            ListPage(
                items: found.rows.map { TemplateCatalogue.resource($0.element, account: account.rawValue) },
                meta: page.meta(found, listURL: base + context.requestPath)))
    }
}
