import Hummingbird
import Logging
import Mustache
import NIOHTTP1
import ServerOperations

/// Renders ``APIError``s and ``FormErrors`` as JSON; anything unexpected is a 500 with no
/// internals. Outside `/api/` (the web pages) a missing page or an unexpected failure is an
/// HTML page in the site's layout that, again, says nothing about internals.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = AuthRequestContext
    let logger: Logger
    var pages: MustacheLibrary?
    /// The methods of every route: a known path asked with another method is a 405 with `Allow`.
    var routeMethods = RouteMethods()

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            var response = try JSONResponse.make(error.body, status: error.status)
            for field in error.headers { response.headers.append(field) }
            return response
        } catch let error as FreshProofRequired {
            return try JSONResponse.make(
                ErrorBody(message: error.formErrors.summary, errors: error.formErrors.fields), status: .forbidden)
        } catch let error as FormErrors {
            let body = ErrorBody(message: error.summary, errors: error.fields.isEmpty ? nil : error.fields)
            var response = try JSONResponse.make(body, status: error.status)
            if let wait = error.retryAfter { response.headers[.retryAfter] = String(wait) }
            return response
        } catch let error where StorageUnavailable.meaning(error) != nil {
            logger.error("database unavailable on \(request.method) \(request.uri.path): \(error)")
            if var page = page(
                request, .serviceUnavailable, "Temporarily unavailable",
                "The server cannot reach its database right now. Please try again in a moment.")
            {
                page.headers[.retryAfter] = "5"
                return page
            }
            return try JSONResponse.make(
                MessageBody("The database is unavailable; try again shortly"), status: .serviceUnavailable,
                headers: [.retryAfter: "5"])
        } catch is HTTPParserError {
            // a broken request (a bad chunk size, say) is the client's error, not the server's
            return try JSONResponse.make(MessageBody("The request is not valid HTTP"), status: .badRequest)
        } catch let error as any HTTPResponseError where error.status == .notFound {
            if let allowed = routeMethods.allowed(for: request.uri.path) {
                let allow = allowed.joined(separator: ", ")
                if var page = page(
                    request, .methodNotAllowed, "Method not allowed", "This address does not take that kind of request."
                ) {
                    page.headers[.allow] = allow
                    return page
                }
                return try JSONResponse.make(
                    MessageBody("\(request.method) is not allowed on \(request.uri.path); it takes \(allow)"),
                    status: .methodNotAllowed, headers: [.allow: allow])
            }
            if let page = page(request, .notFound, "Page not found", "There is nothing at this address.") {
                return page
            }
            return try JSONResponse.make(MessageBody("Not found"), status: .notFound)
        } catch let error as any HTTPResponseError {
            if let page = page(request, error.status, error.status.reasonPhrase, "The request could not be handled.") {
                return page
            }
            return try JSONResponse.make(MessageBody(error.status.reasonPhrase), status: error.status)
        } catch {
            logger.error("unexpected error on \(request.method) \(request.uri.path): \(error)")
            if let page = page(
                request, .internalServerError, "Something went wrong",
                "The server could not complete this request. Please try again in a moment.")
            {
                return page
            }
            return try JSONResponse.make(MessageBody("Internal server error"), status: .internalServerError)
        }
    }

    /// An HTML error page for the web pages' paths; nil for the JSON API's.
    private func page(
        _ request: Request, _ status: HTTPResponse.Status, _ heading: String, _ message: String
    ) -> Response? {
        let path = request.uri.path
        guard let pages, !path.hasPrefix("/api/"), !path.hasPrefix("/.well-known/"), path != "/healthz" else {
            return nil
        }
        var response = WebApp.html(
            pages.render(["heading": heading, "message": message], withTemplate: "error") ?? heading, status: status)
        SecurityHeadersMiddleware<AuthRequestContext>.apply(to: &response.headers)
        return response
    }
}
