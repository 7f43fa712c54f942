import Hummingbird
import VerifyWire

/// The routes of the Twilio API (`/v2/...`), matched segment by segment against a short table.
///
/// The Verify API has a fixed, shallow shape (at most six segments, two or three of them SIDs),
/// so comparing a request's segments with each pattern of the same length finds its route with
/// a few byte comparisons. Hummingbird's general trie router, which still serves every other
/// path, cost about 3% of the server's time per request on the start and check routes (it
/// splits the path by `Character` and names the endpoint with a new string each time); those
/// two routes are what every user of the emulator calls most.
///
/// ```swift
/// var routes = TwilioRoutes()
/// routes.add("/v2/Services/:service/VerificationCheck", endpoint: .verificationChecks, post: check)
/// router.add(middleware: TwilioRouter(routes: routes, routed: FaultMiddleware(rules: faults)))
/// ```
struct TwilioRoutes: Sendable {
    typealias Handler = @Sendable (Request, EmulatorRequestContext) async throws -> Response

    fileprivate enum Segment: Sendable {
        case literal(String)
        case parameter(Substring)
    }

    fileprivate struct Route: Sendable {
        var segments: [Segment]
        /// As registered (`/v2/Services/:service/Verifications`): the `route` of its metrics.
        var pattern: String
        var endpoint: TwilioEndpoint
        var handlers: [(method: HTTPRequest.Method, handler: Handler)]
        /// The `Allow` header of a 405 on this path.
        var allow: String
        var hasGet: Bool { handlers.contains { $0.method == .get } }
    }

    fileprivate private(set) var routes: [Route] = []

    /// The methods a Twilio path answers with 405 when it lacks them; others fall through to 404.
    fileprivate static let knownMethods: [HTTPRequest.Method] = [.get, .post, .delete, .put, .patch, .head]

    /// Registers a path's handlers; its other methods are answered with 405/20004 and `Allow`.
    /// `:name` segments are parameters, read with ``EmulatorRequestContext/pathSID(_:_:path:)``.
    mutating func add(
        _ pattern: String, endpoint: TwilioEndpoint, get: Handler? = nil, post: Handler? = nil,
        delete: Handler? = nil
    ) {
        let segments = pattern.split(separator: "/").map { part -> Segment in
            part.first == ":" ? .parameter(part.dropFirst()) : .literal(String(part))
        }
        let handlers = [(HTTPRequest.Method.get, get), (.post, post), (.delete, delete)].compactMap { entry in
            entry.1.map { (method: entry.0, handler: $0) }
        }
        routes.append(
            Route(
                segments: segments, pattern: pattern, endpoint: endpoint, handlers: handlers,
                allow: handlers.map(\.method.rawValue).joined(separator: ", ")))
    }
}

/// Serves the ``TwilioRoutes`` for `/v2` paths; anything else goes on to Hummingbird's router,
/// which answers an unknown `/v2` path with its 404.
///
/// A matched request carries its route's ``TwilioEndpoint`` and path parameters in its context
/// and passes through `routed` (the fault rules) on its way to the handler.
struct TwilioRouter<Routed: RouterMiddleware>: RouterMiddleware where Routed.Context == EmulatorRequestContext {
    typealias Context = EmulatorRequestContext
    let routes: TwilioRoutes
    let routed: Routed

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        let path = context.requestPath
        guard path.utf8.starts(with: "/v2/".utf8) else { return try await next(request, context) }
        let segments = Self.segments(of: path)
        routes: for route in routes.routes where route.segments.count == segments.count {
            var parameters = Parameters()
            for (pattern, segment) in zip(route.segments, segments) {
                switch pattern {
                case .literal(let literal): guard segment == literal else { continue routes }
                case .parameter(let name): parameters[name] = segment
                }
            }
            var context = context
            context.coreContext.parameters = parameters
            context.endpoint = route.endpoint
            context.coreContext.endpointPath.value = route.pattern
            if let handler = route.handlers.first(where: { $0.method == request.method })?.handler {
                return try await routed.handle(request, context: context, next: handler)
            }
            switch request.method {
            case .options:
                // a CORS preflight, or a client asking what the path takes
                var headers: HTTPFields = [.allow: route.allow + ", OPTIONS"]
                CORSHeaders.add(
                    to: &headers, origin: request.headers[CORSHeaders.origin], methods: route.allow + ", OPTIONS")
                return Response(status: .noContent, headers: headers)
            case .head where route.hasGet:
                // GET's answer without its body, as HTTP defines HEAD
                let handler = route.handlers.first { $0.method == .get }!.handler
                let response = try await routed.handle(request, context: context, next: handler)
                return Response(status: response.status, headers: response.headers)
            default: break
            }
            guard TwilioRoutes.knownMethods.contains(request.method) else { break }
            return JSONResponse.error(.methodNotAllowed(request.method.rawValue, path), headers: [.allow: route.allow])
        }
        return try await next(request, context)
    }

    /// The non-empty segments between slashes, as Hummingbird's router sees them.
    static func segments(of path: String) -> [Substring] {
        var segments: [Substring] = []
        segments.reserveCapacity(6)
        var start = path.utf8.startIndex
        var index = start
        while index != path.utf8.endIndex {
            if path.utf8[index] == UInt8(ascii: "/") {
                if index != start { segments.append(path[start..<index]) }
                start = path.utf8.index(after: index)
            }
            index = path.utf8.index(after: index)
        }
        if index != start { segments.append(path[start..<index]) }
        return segments
    }
}
