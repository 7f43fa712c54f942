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

    func addRoutes(to routes: inout TwilioRoutes) {
        RateLimitAPI(rateLimits: rateLimits, api: self).addRoutes(to: &routes)
        routes.add("/v2/Services", get: listServices, post: createService)
        routes.add("/v2/Services/:service", get: fetchService, post: updateService, delete: deleteService)
        routes.add("/v2/Services/:service/Verifications", post: startVerification)
        routes.add(
            "/v2/Services/:service/Verifications/:verification", get: fetchVerification, post: updateVerification)
        routes.add("/v2/Services/:service/VerificationCheck", post: checkVerification)
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
                meta: page.meta(listURL: base + context.requestPath, hasMore: hasMore, key: "services")))
    }

    @Sendable func fetchService(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let sid = try context.pathSID("service", .service, path: context.requestPath)
        let record = try await services.fetch(
            account: try context.requireAccount(), sid: sid, path: context.requestPath)
        return try JSONResponse.make(record.resource(baseURL: baseURL(request)))
    }

    @Sendable func updateService(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let sid = try context.pathSID("service", .service, path: context.requestPath)
        let parameters = try ServiceParameters(form: try await request.form(context: context), creating: false)
        let record = try await services.update(
            account: try context.requireAccount(), sid: sid, parameters: parameters, path: context.requestPath)
        return try JSONResponse.make(record.resource(baseURL: baseURL(request)))
    }

    @Sendable func deleteService(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let sid = try context.pathSID("service", .service, path: context.requestPath)
        try await services.delete(account: try context.requireAccount(), sid: sid, path: context.requestPath)
        return Response(status: .noContent)
    }

    // MARK: Verifications

    @Sendable func startVerification(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let serviceSid = try context.pathSID("service", .service, path: context.requestPath)
        let start = try StartVerificationRequest(form: try await request.form(context: context))
        let snapshot = try await verifications.start(
            account: try context.requireAccount(), serviceSid: serviceSid, request: start, path: context.requestPath)
        return JSONResponse.make(
            bytes: snapshot.verification.resource(baseURL: baseURL(request), attempts: snapshot.attempts).jsonBytes(),
            status: .created)
    }

    @Sendable func fetchVerification(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let serviceSid = try context.pathSID("service", .service, path: context.requestPath)
        let sid = try context.pathSID("verification", .verification, path: context.requestPath)
        let snapshot = try await verifications.fetch(
            account: try context.requireAccount(), serviceSid: serviceSid, sid: sid, path: context.requestPath)
        return JSONResponse.make(
            bytes: snapshot.verification.resource(baseURL: baseURL(request), attempts: snapshot.attempts).jsonBytes())
    }

    @Sendable func updateVerification(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let serviceSid = try context.pathSID("service", .service, path: context.requestPath)
        let sid = try context.pathSID("verification", .verification, path: context.requestPath)
        let form = try await request.form(context: context)
        guard let status = try form.string("Status", required: true), ["canceled", "approved"].contains(status) else {
            throw TwilioError.invalidParameter("Status", hint: "Status must be canceled or approved")
        }
        let snapshot = try await verifications.update(
            account: try context.requireAccount(), serviceSid: serviceSid, sid: sid, status: status,
            path: context.requestPath)
        return JSONResponse.make(
            bytes: snapshot.verification.resource(baseURL: baseURL(request), attempts: snapshot.attempts).jsonBytes())
    }

    @Sendable func checkVerification(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let serviceSid = try context.pathSID("service", .service, path: context.requestPath)
        let check = try CheckVerificationRequest(form: try await request.form(context: context))
        let verification = try await verifications.check(
            account: try context.requireAccount(), serviceSid: serviceSid, request: check, path: context.requestPath)
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
