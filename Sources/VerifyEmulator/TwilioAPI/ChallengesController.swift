import Hummingbird
import VerifyWire

/// `/v2/Services/{VA}/Entities/{Identity}/Challenges`: create (approved at once by a right
/// `AuthPayload`), list (`FactorSid`, `Status`, `Order`), fetch, update (answer with a code).
struct ChallengesController: Sendable {
    let challenges: ChallengeStore
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
        if record.status == .approved { webhooks.emit(record.approvedEvent) }
        return try JSONResponse.make(
            record.resource(baseURL: urls.base(request), now: clock.now().epochMilliseconds), status: .created)
    }

    @Sendable func list(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.factorTarget()
        let query = try request.queryForm()
        let page = try PageRequest(query: query)
        var filter = ChallengeStore.ListFilter()
        filter.factorSid = try query.sid("FactorSid", .factor)
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
        let (records, hasMore) = try await challenges.challenges(target, filter: filter, page: page)
        let base = urls.base(request)
        let now = clock.now().epochMilliseconds
        return try JSONResponse.make(
            ListPage(
                items: records.map { $0.resource(baseURL: base, now: now) },
                meta: page.meta(listURL: base + context.requestPath, hasMore: hasMore, key: "challenges")))
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.factorTarget()
        let record = try await challenges.challenge(
            target, sid: try context.pathSID("challenge", .challenge, path: target.path))
        return try JSONResponse.make(record.resource(baseURL: urls.base(request), now: clock.now().epochMilliseconds))
    }

    @Sendable func update(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.factorTarget()
        let sid = try context.pathSID("challenge", .challenge, path: target.path)
        let form = try await request.form(context: context)
        let record = try await challenges.update(target, sid: sid, authPayload: try form.string("AuthPayload"))
        if record.status == .approved { webhooks.emit(record.approvedEvent) }
        return try JSONResponse.make(record.resource(baseURL: urls.base(request), now: clock.now().epochMilliseconds))
    }
}

extension ChallengeRecord {
    /// The `challenge.approved` webhook event of this challenge.
    var approvedEvent: WebhookDispatcher.Event {
        WebhookDispatcher.Event(
            type: .challengeApproved, accountSid: accountSid, serviceSid: serviceSid, identity: identity,
            factorSid: factorSid, factorType: factorType, challengeSid: sid)
    }
}
