import Hummingbird
import VerifyWire

/// `/v2/Services/{VA}/Entities/{Identity}/Challenges`: create (a TOTP one approved at once by a
/// right `AuthPayload`), list (`FactorSid`, `Status`, `Order`), fetch, update (answer with a
/// code, or a push device's signed answer). A push device may list, fetch and answer its own
/// factor's challenges with its JWT; a push challenge's fetch names the fields it signs.
struct ChallengesController: Sendable {
    let challenges: ChallengeStore
    let devices: DeviceAuthenticator
    let webhooks: WebhookDispatcher
    let clock: EmulatorClock
    let urls: ResourceURLs

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add(
            "/v2/Services/:service/Entities/:identity/Challenges", endpoint: .challenges, get: list, post: create)
        routes.add(
            "/v2/Services/:service/Entities/:identity/Challenges/:challenge", endpoint: .challenges, get: fetch,
            post: update)
    }

    @Sendable func create(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.factorTarget()
        let now = clock.now().epochMilliseconds
        let parameters = try CreateChallengeRequest(form: try await request.form(context: context), now: now)
        let record = try await challenges.create(target, parameters)
        if let event = record.answeredEvent { webhooks.emit(event) }
        return try JSONResponse.make(
            record.resource(baseURL: urls.base(request), now: clock.now().epochMilliseconds), status: .created)
    }

    @Sendable func list(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let (target, caller) = try await context.factorTarget(devices: devices)
        let query = try request.queryForm()
        let page = try PageRequest(query: query, list: .challenges, path: context.requestPath)
        var filter = ChallengeStore.ListFilter()
        filter.factorSid = try query.sid("FactorSid", .factor)
        if let own = caller.deviceFactor {
            try caller.require(factor: filter.factorSid?.rawValue ?? own.sid, identity: target.identity)
            filter.factorSid = SID(unchecked: own.sid)
        }
        if let text = try query.string("Status") {
            guard let status = ChallengeStatus(rawValue: text) else {
                throw TwilioError.invalidParameter(
                    "Status", hint: "Status must be pending, expired, approved or denied")
            }
            filter.status = status
        }
        if let order = try query.string("Order") {
            guard order == "asc" || order == "desc" else {
                throw TwilioError.invalidParameter("Order", hint: "Order must be asc or desc")
            }
            filter.newestFirst = order == "desc"
        }
        let found = try await challenges.challenges(target, filter: filter, page: page)
        let base = urls.base(request)
        let now = clock.now().epochMilliseconds
        return try JSONResponse.make(
            ListPage(
                items: found.rows.map { $0.resource(baseURL: base, now: now) },
                meta: page.meta(found, listURL: base + context.requestPath)))
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let (target, caller) = try await context.factorTarget(devices: devices)
        let record = try await challenges.challenge(
            target, sid: try context.pathSID("challenge", .challenge, path: context.requestPath))
        try caller.require(factor: record.factorSid, identity: target.identity)
        var headers: HTTPFields = [:]
        if record.factorType == .push { headers[ChallengeSignature.headerName] = ChallengeSignature.headerValue }
        return try JSONResponse.make(
            record.resource(baseURL: urls.base(request), now: clock.now().epochMilliseconds), headers: headers)
    }

    @Sendable func update(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let (target, caller) = try await context.factorTarget(devices: devices)
        let sid = try context.pathSID("challenge", .challenge, path: context.requestPath)
        let form = try await request.form(context: context)
        let record = try await challenges.update(
            target, sid: sid, authPayload: try form.string("AuthPayload", maxLength: 5456),
            metadata: try FactorForms.stringObject(form, "Metadata"), device: caller.deviceFactor)
        if let event = record.answeredEvent { webhooks.emit(event) }
        return try JSONResponse.make(record.resource(baseURL: urls.base(request), now: clock.now().epochMilliseconds))
    }
}

extension ChallengeRecord {
    /// The `challenge.approved` or `challenge.denied` webhook event of this challenge, once it
    /// has been answered.
    var answeredEvent: WebhookDispatcher.Event? {
        let type: WebhookEvent
        switch status {
        case .approved: type = .challengeApproved
        case .denied: type = .challengeDenied
        case .pending, .expired: return nil
        }
        return WebhookDispatcher.Event(
            type: type, accountSid: accountSid, serviceSid: serviceSid, identity: identity, factorSid: factorSid,
            factorType: factorType, challengeSid: sid)
    }
}
