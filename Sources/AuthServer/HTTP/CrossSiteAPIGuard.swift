import HTTPTypes
import Hummingbird
import ServerOperations

/// The JSON API acts only on requests no other site can make its visitors' browsers send: a
/// state-changing `/api/` request must say `Content-Type: application/json` when it has a body
/// (a form or a `text/plain` "simple" request cannot, without a CORS preflight this server never
/// grants), and one marked `Sec-Fetch-Site: cross-site` is refused outright. Otherwise a page
/// could make its visitors send SMS codes from their own IPs, past the per-IP limits.
///
/// Apps, curl and the official SDKs send JSON with its type and no `Sec-Fetch-Site`; the web
/// pages have their own guard (``WebRequestMiddleware``).
struct CrossSiteAPIGuard: RouterMiddleware {
    typealias Context = AuthRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/"), request.method != .get, request.method != .head,
            request.method != .options
        else { return try await next(request, context) }
        if request.headers[.secFetchSite] == "cross-site" {
            throw APIError(status: .forbidden, message: "Requests from other sites are refused")
        }
        let hasBody = request.headers[.contentLength].map { $0 != "0" } ?? (request.headers[.transferEncoding] != nil)
        if hasBody, !MediaType.isJSON(request.headers[.contentType]) {
            throw APIError(
                status: .unsupportedMediaType,
                message: "Send the body as JSON with Content-Type: application/json")
        }
        return try await next(request, context)
    }
}
