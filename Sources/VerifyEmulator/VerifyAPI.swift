import Hummingbird
import VerifyWire

/// The Twilio Verify v2 routes. Controllers only decode the form, call a store and render the
/// resource; the lifecycle lives in the stores.
struct VerifyAPI: Sendable {
    let services: ServiceStore
    let verifications: VerificationStore
    let rateLimits: RateLimitStore
    let publicURL: String?
    let fallbackHost: String

    func addRoutes(to router: Router<EmulatorRequestContext>) {
        RateLimitAPI(rateLimits: rateLimits, api: self).addRoutes(to: router)
        router.twilioRoute("/v2/Services", get: listServices, post: createService)
        router.twilioRoute("/v2/Services/:service", get: fetchService, post: updateService, delete: deleteService)
        router.twilioRoute("/v2/Services/:service/Verifications", post: startVerification)
        router.twilioRoute(
            "/v2/Services/:service/Verifications/:verification", get: fetchVerification, post: updateVerification)
        router.twilioRoute("/v2/Services/:service/VerificationCheck", post: checkVerification)
    }

    /// Where `url`, `links` and paging URLs point: the configured public URL, else this request's host.
    func baseURL(_ request: Request) -> String {
        if let publicURL { return publicURL }
        return "http://\(request.head.authority ?? fallbackHost)"
    }

    // MARK: Services

    @Sendable func createService(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let parameters = try ServiceParameters(form: try await request.form(context: context), creating: true)
        let record = try await services.create(account: try context.requireAccount(), parameters: parameters)
        return try JSONResponse.make(record.resource(baseURL: baseURL(request)), status: .created)
    }

    @Sendable func listServices(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let page = try PageRequest(query: try request.queryForm())
        let (records, hasMore) = try await services.list(account: try context.requireAccount(), page: page)
        let base = baseURL(request)
        return try JSONResponse.make(
            ListPage(
                items: records.map { $0.resource(baseURL: base) },
                meta: page.meta(listURL: base + request.uri.path, hasMore: hasMore, key: "services")))
    }

    @Sendable func fetchService(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let sid = try context.pathSID("service", .service, path: request.uri.path)
        let record = try await services.fetch(account: try context.requireAccount(), sid: sid, path: request.uri.path)
        return try JSONResponse.make(record.resource(baseURL: baseURL(request)))
    }

    @Sendable func updateService(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let sid = try context.pathSID("service", .service, path: request.uri.path)
        let parameters = try ServiceParameters(form: try await request.form(context: context), creating: false)
        let record = try await services.update(
            account: try context.requireAccount(), sid: sid, parameters: parameters, path: request.uri.path)
        return try JSONResponse.make(record.resource(baseURL: baseURL(request)))
    }

    @Sendable func deleteService(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let sid = try context.pathSID("service", .service, path: request.uri.path)
        try await services.delete(account: try context.requireAccount(), sid: sid, path: request.uri.path)
        return Response(status: .noContent)
    }

    // MARK: Verifications

    @Sendable func startVerification(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let serviceSid = try context.pathSID("service", .service, path: request.uri.path)
        let start = try StartVerificationRequest(form: try await request.form(context: context))
        let snapshot = try await verifications.start(
            account: try context.requireAccount(), serviceSid: serviceSid, request: start, path: request.uri.path)
        return JSONResponse.make(
            bytes: snapshot.verification.resource(baseURL: baseURL(request), attempts: snapshot.attempts).jsonBytes(),
            status: .created)
    }

    @Sendable func fetchVerification(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let serviceSid = try context.pathSID("service", .service, path: request.uri.path)
        let sid = try context.pathSID("verification", .verification, path: request.uri.path)
        let snapshot = try await verifications.fetch(
            account: try context.requireAccount(), serviceSid: serviceSid, sid: sid, path: request.uri.path)
        return JSONResponse.make(
            bytes: snapshot.verification.resource(baseURL: baseURL(request), attempts: snapshot.attempts).jsonBytes())
    }

    @Sendable func updateVerification(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let serviceSid = try context.pathSID("service", .service, path: request.uri.path)
        let sid = try context.pathSID("verification", .verification, path: request.uri.path)
        let form = try await request.form(context: context)
        guard let status = try form.string("Status", required: true), ["canceled", "approved"].contains(status) else {
            throw TwilioError.invalidParameter("Status", hint: "Status must be canceled or approved")
        }
        let snapshot = try await verifications.update(
            account: try context.requireAccount(), serviceSid: serviceSid, sid: sid, status: status,
            path: request.uri.path)
        return JSONResponse.make(
            bytes: snapshot.verification.resource(baseURL: baseURL(request), attempts: snapshot.attempts).jsonBytes())
    }

    @Sendable func checkVerification(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let serviceSid = try context.pathSID("service", .service, path: request.uri.path)
        let check = try CheckVerificationRequest(form: try await request.form(context: context))
        let verification = try await verifications.check(
            account: try context.requireAccount(), serviceSid: serviceSid, request: check, path: request.uri.path)
        return JSONResponse.make(bytes: verification.checkResource().jsonBytes())
    }
}

extension EmulatorRequestContext {
    func requireAccount() throws(TwilioError) -> SID {
        guard let account else { throw .authenticationFailed(hint: "no credentials") }
        return account
    }

    /// A SID from the path; a malformed one names no resource, so it is a 404 as on Twilio.
    func pathSID(_ name: String, _ prefix: SID.Prefix, path: String) throws(TwilioError) -> SID {
        guard let text = parameters.get(name), let sid = SID(text, expecting: prefix) else {
            throw .notFound(path, hint: "'\(parameters.get(name) ?? "")' is not a \(prefix.rawValue) SID")
        }
        return sid
    }
}

extension Router where Context == EmulatorRequestContext {
    typealias Handler = @Sendable (Request, EmulatorRequestContext) async throws -> Response

    /// Registers a path's handlers and answers its other methods with 405/20004 and `Allow`.
    func twilioRoute(_ path: RouterPath, get: Handler? = nil, post: Handler? = nil, delete: Handler? = nil) {
        let handlers: [(HTTPRequest.Method, Handler?)] = [(.get, get), (.post, post), (.delete, delete)]
        let allowed = handlers.compactMap { $0.1 == nil ? nil : $0.0.rawValue }.joined(separator: ", ")
        let notAllowed: Handler = { request, _ in
            JSONResponse.error(.methodNotAllowed(request.method.rawValue, request.uri.path), headers: [.allow: allowed])
        }
        for method in [HTTPRequest.Method.get, .post, .delete, .put, .patch] {
            let handler = handlers.first { $0.0 == method }?.1 ?? notAllowed
            on(path, method: method, use: handler)
        }
    }
}
