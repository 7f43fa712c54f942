import Hummingbird

/// Where the request being handled comes from (the client IP behind `TRUST_PROXY` proxies, and
/// its user agent), for every audit event recorded while it is handled, without each rule taking
/// it as a parameter. ``RequestClientMiddleware`` sets it around each request; an event made
/// outside a request (a command) has none.
enum RequestClient {
    @TaskLocal static var current: SessionClient?
}

/// Sets ``RequestClient/current`` for the rest of the request. `GET` and `HEAD` requests change
/// nothing and so record nothing: they pass straight through, so the hot read paths (a bearer
/// check, `/healthz`) pay nothing for it.
struct RequestClientMiddleware: RouterMiddleware {
    typealias Context = AuthRequestContext
    let trustedProxies: Int

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.method == .get || request.method == .head { return try await next(request, context) }
        let client = SessionClient(
            ip: context.clientIP(request, trustedProxies: trustedProxies), userAgent: request.headers[.userAgent])
        return try await RequestClient.$current.withValue(client) { try await next(request, context) }
    }
}
