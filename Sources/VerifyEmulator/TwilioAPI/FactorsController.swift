import Hummingbird
import VerifyWire

/// `/v2/Services/{VA}/Entities/{Identity}/Factors`: create (TOTP, or push by a device with an
/// access token), list, fetch, update (verify with `AuthPayload`), delete. A push device may
/// fetch, update and delete its own factor with its JWT.
struct FactorsController: Sendable {
    let factors: FactorStore
    let devices: DeviceAuthenticator
    let webhooks: WebhookDispatcher
    let urls: ResourceURLs

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add("/v2/Services/:service/Entities/:identity/Factors", endpoint: .factors, get: list, post: create)
        routes.add(
            "/v2/Services/:service/Entities/:identity/Factors/:factor", endpoint: .factors, get: fetch, post: update,
            delete: delete)
    }

    @Sendable func create(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let creator: FactorStore.Creator
        if let account = context.account {
            creator = .account(account)
        } else if let token = context.deviceToken {
            creator = .accessToken(token.text)
        } else {
            throw TwilioError.authenticationFailed(hint: "no credentials")
        }
        let service = try context.pathSID("service", .service, path: context.requestPath)
        let parameters = try CreateFactorRequest(form: try await request.form(context: context))
        let (record, binding) = try await factors.createFactor(
            service: service, identity: context.parameters.get("identity") ?? "",
            creator: creator, parameters)
        webhooks.emit(record.event(.factorCreated))
        return try JSONResponse.make(record.resource(baseURL: urls.base(request), binding: binding), status: .created)
    }

    @Sendable func list(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.factorTarget()
        let page = try PageRequest(query: try request.queryForm(), list: .factors, path: context.requestPath)
        let found = try await factors.factors(target, page: page)
        let base = urls.base(request)
        return try JSONResponse.make(
            ListPage(
                items: found.rows.map { $0.resource(baseURL: base) },
                meta: page.meta(found, listURL: base + context.requestPath)))
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let (target, caller) = try await context.factorTarget(devices: devices)
        let sid = try context.pathSID("factor", .factor, path: context.requestPath)
        try caller.require(factor: sid.rawValue, identity: target.identity)
        let record = try await factors.factor(target, sid: sid)
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)))
    }

    @Sendable func update(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let (target, caller) = try await context.factorTarget(devices: devices)
        let sid = try context.pathSID("factor", .factor, path: context.requestPath)
        try caller.require(factor: sid.rawValue, identity: target.identity)
        let parameters = try UpdateFactorRequest(form: try await request.form(context: context))
        let (record, verifiedNow) = try await factors.updateFactor(target, sid: sid, parameters)
        if verifiedNow { webhooks.emit(record.event(.factorVerified)) }
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)))
    }

    @Sendable func delete(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let (target, caller) = try await context.factorTarget(devices: devices)
        let sid = try context.pathSID("factor", .factor, path: context.requestPath)
        try caller.require(factor: sid.rawValue, identity: target.identity)
        let deleted = try await factors.deleteFactor(target, sid: sid)
        webhooks.emit(deleted.event(.factorDeleted))
        return Response(status: .noContent)
    }
}

extension FactorRecord {
    /// A webhook event about this factor (and a challenge of it).
    func event(_ type: WebhookEvent, challenge: String? = nil) -> WebhookDispatcher.Event {
        WebhookDispatcher.Event(
            type: type, accountSid: accountSid, serviceSid: serviceSid, identity: identity, factorSid: sid,
            factorType: factorType, challengeSid: challenge)
    }
}
