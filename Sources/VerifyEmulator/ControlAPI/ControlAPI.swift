// JSONSerialization (for checking a body's keys) is in Foundation, not FoundationEssentials.
import Foundation
import Hummingbird
import VerifyWire

/// The emulator's own API under `/emulator/v1`, for tests and tools: what Twilio cannot offer.
/// Open without credentials (the emulator binds to loopback by default). Bodies are JSON;
/// errors have Twilio's error shape.
struct ControlAPI: Sendable {
    let outbox: Outbox
    let feed: MessageFeed
    let webhooks: WebhookDispatcher
    let control: ControlStore
    let clock: EmulatorClock
    let requestLog: RequestLog
    let faults: FaultRules
    let directory: AccountDirectory
    /// The base of `next_page_url`: the request's host, or `--public-url`.
    let urls: ResourceURLs

    /// The longest a long-poll may wait.
    static let maxWait: Duration = .seconds(60)

    func addRoutes(to router: Router<EmulatorRequestContext>) {
        router.get("/healthz") { _, _ in
            try JSONResponse.make(["status": "ok"])
        }
        // `/livez`: the process answers; `/readyz`: and its database takes a write (Docker's
        // HEALTHCHECK, a CI job waiting for the emulator)
        router.get("/livez") { _, _ in
            try JSONResponse.make(["status": "ok"])
        }
        router.get("/readyz") { _, _ in
            do {
                try await control.checkWritable()
                return try JSONResponse.make(["status": "ready"], headers: [.cacheControl: "no-store"])
            } catch {
                return try JSONResponse.make(
                    ["status": "unavailable", "reason": "the database does not take a write: \(error)"],
                    status: .serviceUnavailable, headers: [.cacheControl: "no-store"])
            }
        }
        router.get("/emulator/v1/messages", use: listMessages)
        router.get("/emulator/v1/verifications", use: listVerifications)
        router.get("/emulator/v1/requests", use: listRequests)
        router.get("/emulator/v1/factors", use: listFactors)
        router.get("/emulator/v1/webhooks") { request, _ in
            let limit = try request.queryForm().int("limit", in: 1...WebhookDispatcher.kept) ?? 50
            return try JSONResponse.make(["deliveries": webhooks.recent(limit: limit)])
        }
        router.get("/emulator/v1/clock", use: readClock)
        router.post("/emulator/v1/clock", use: changeClock)
        router.get("/emulator/v1/codes", use: listCodes)
        router.post("/emulator/v1/codes", use: setCode)
        router.delete("/emulator/v1/codes", use: removeCode)
        router.post("/emulator/v1/reset", use: reset)
        router.get("/emulator/v1/faults") { _, _ in try JSONResponse.make(["faults": faults.all()]) }
        router.post("/emulator/v1/faults", use: addFault)
        router.delete("/emulator/v1/faults") { _, _ in
            faults.removeAll()
            return Response(status: .noContent)
        }
        router.delete("/emulator/v1/faults/:id") { request, context in
            guard let id = context.parameters.get("id"), faults.remove(id: id) else {
                throw TwilioError.notFound(request.uri.path, hint: "no fault rule with that id")
            }
            return Response(status: .noContent)
        }
    }

    /// `GET /emulator/v1/messages?to=&service_sid=&verification_sid=&account_sid=&limit=&wait=`:
    /// the "sent" messages, newest first, `limit` a page (`meta.next_page_url` continues the list
    /// with the same filters). With `wait` (e.g. `5s`, `500ms`) and nothing matching yet, the
    /// answer waits until a matching message is delivered or the time is up.
    @Sendable func listMessages(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let query = try request.queryForm()
        let page = try ControlPageRequest(
            query: query, path: context.requestPath,
            filterNames: ["to", "service_sid", "verification_sid", "account_sid"])
        var filter = Outbox.Query()
        filter.to = query["to"]
        filter.serviceSid = query["service_sid"]
        filter.verificationSid = query["verification_sid"]
        filter.accountSid = query["account_sid"]
        filter.limit = page.limit + 1
        filter.beforeID = page.beforeKey
        let wait = try query["wait"].map { try Self.parseWait($0) }

        var messages: [(key: Int64, message: OutboxMessage)]
        if let wait, wait > .zero {
            let waiter = feed.register(filter)
            messages = try await outbox.messagesWithMessagingServices(filter)
            if messages.isEmpty {
                await waiter.wait(timeout: wait)
                messages = try await outbox.messagesWithMessagingServices(filter)
            }
            feed.cancel(waiter)
        } else {
            messages = try await outbox.messagesWithMessagingServices(filter)
        }
        return try JSONResponse.make(
            MessagesPage(
                messages: messages.prefix(page.limit).map(\.message),
                meta: page.meta(keys: messages.map(\.key), listURL: urls.base(request) + context.requestPath)))
    }

    struct MessagesPage: Encodable {
        var messages: [OutboxMessage]
        var meta: ControlPageRequest.Meta
    }

    static func parseWait(_ text: String) throws(TwilioError) -> Duration {
        // Checked as numbers before they become a Duration: `1e20`, `nan` and `inf` parse as
        // Doubles, and converting them to whole milliseconds would trap.
        let maxSeconds = Double(maxWait.components.seconds)
        let seconds: Double?
        if text.hasSuffix("ms") {
            seconds = Double(text.dropLast(2)).map { $0 / 1000 }
        } else if text.hasSuffix("s") {
            seconds = Double(text.dropLast())
        } else {
            seconds = Double(text)
        }
        guard let seconds, seconds.isFinite, (0...maxSeconds).contains(seconds) else {
            throw .invalidParameter("wait", hint: "wait must be a duration such as 5s or 500ms, at most 60s")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// `GET /emulator/v1/verifications?service_sid=&to=&status=&account_sid=&limit=`: every
    /// verification, newest first, with its code, attempts and time left, `limit` a page.
    @Sendable func listVerifications(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let query = try request.queryForm()
        var filter = ControlStore.VerificationQuery()
        filter.serviceSid = query["service_sid"]
        filter.to = query["to"]
        if let status = query["status"] {
            guard let known = VerificationStatus(rawValue: status) else {
                throw TwilioError.invalidParameter(
                    "status",
                    hint: "status must be one of \(VerificationStatus.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            filter.status = known
        }
        filter.accountSid = query["account_sid"]
        let page = try ControlPageRequest(
            query: query, path: context.requestPath, filterNames: ["service_sid", "to", "status", "account_sid"])
        filter.limit = page.limit + 1
        filter.beforeID = page.beforeKey
        let found = try await control.verifications(filter)
        return try JSONResponse.make(
            VerificationsPage(
                verifications: found.prefix(page.limit).map(\.summary),
                meta: page.meta(keys: found.map(\.key), listURL: urls.base(request) + context.requestPath)))
    }

    struct VerificationsPage: Encodable {
        var verifications: [VerificationSummary]
        var meta: ControlPageRequest.Meta
    }

    /// `GET /emulator/v1/factors?identity=&service_sid=&account_sid=&limit=`: TOTP factors with
    /// the code an authenticator app would show now.
    @Sendable func listFactors(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let query = try request.queryForm()
        let factors = try await control.factors(
            identity: query["identity"], serviceSid: query["service_sid"], accountSid: query["account_sid"],
            limit: try query.int("limit", in: 1...1000) ?? 50)
        return try JSONResponse.make(["factors": factors])
    }

    /// `GET /emulator/v1/requests?limit=&errors=true`: the last Twilio API requests, newest
    /// first, each failure with a one-line hint of why.
    @Sendable func listRequests(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let query = try request.queryForm()
        let limit = try query.int("limit", in: 1...1000) ?? 100
        let errorsOnly = try query.bool("errors") ?? false
        return try JSONResponse.make(["requests": requestLog.recent(limit: limit, errorsOnly: errorsOnly)])
    }

    struct ClockState: Codable, Sendable {
        var now: String
        var epochMs: Int64
        var frozen: Bool
        var offsetSeconds: Double
        /// The account whose own clock this is; absent for the global clock.
        var accountSid: String?

        enum CodingKeys: String, CodingKey {
            case now, frozen
            case epochMs = "epoch_ms"
            case offsetSeconds = "offset_seconds"
            case accountSid = "account_sid"
        }
    }

    /// What `POST /emulator/v1/clock` accepts; each field is optional and they apply in order:
    /// `set`, `advance_seconds`, then `frozen`.

    private func clockState(account: SID?) -> ClockState {
        let now = clock.now(for: account)
        return ClockState(
            now: TwilioDate.format(now), epochMs: now.epochMilliseconds, frozen: clock.isFrozen(account: account),
            offsetSeconds: (clock.offset(account: account).seconds * 1000).rounded() / 1000,
            accountSid: account?.rawValue)
    }

    /// The account whose own clock a clock call names (`account_sid`), which must be one the
    /// emulator accepts; nil for the global clock.
    private func clockAccount(_ text: String?) throws(TwilioError) -> SID? {
        guard let text else { return nil }
        guard let sid = SID(text, expecting: .account) else {
            throw .invalidParameter("account_sid", hint: "account_sid must be AC followed by 32 hex digits")
        }
        guard directory.kind(of: sid) != nil else {
            throw .invalidParameter(
                "account_sid",
                hint: "no account \(sid): use a configured one or create one with POST /emulator/v1/accounts")
        }
        return sid
    }

    /// `GET /emulator/v1/clock[?account_sid=AC…]`: the global clock, or that account's.
    @Sendable func readClock(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        try JSONResponse.make(clockState(account: try clockAccount(try request.queryForm()["account_sid"])))
    }

    @Sendable func changeClock(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let change = try await request.controlBody(
            ClockChange.self, accepts: AcceptedKeys.clockChange, context: context)
        let account = try clockAccount(change.accountSid)
        try change.apply(to: clock, account: account)
        return try JSONResponse.make(clockState(account: account))
    }

    @Sendable func listCodes(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        try JSONResponse.make(["codes": try await control.fixedCodes()])
    }

    /// `POST /emulator/v1/codes` `{"code": "123456", "to": "+15005550006"}` (or `service_sid`,
    /// or neither for every verification): later verifications get this code.
    @Sendable func setCode(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let rule = try await request.controlBody(FixedCode.self, accepts: AcceptedKeys.fixedCode, context: context)
        if let problem = rule.problem { throw TwilioError.invalidParameter("code", hint: problem) }
        try await control.setFixedCode(rule)
        return try JSONResponse.make(rule, status: .created)
    }

    /// `DELETE /emulator/v1/codes?to=…` (or `service_sid=…`, or neither for the global code).
    @Sendable func removeCode(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let query = try request.queryForm()
        guard try await control.removeFixedCode(to: query["to"], serviceSid: query["service_sid"]) else {
            throw TwilioError.notFound(request.uri.path, hint: "no fixed code with that scope")
        }
        return Response(status: .noContent)
    }

    /// `POST /emulator/v1/faults` with a ``FaultRule``: later matching requests fail (or slow
    /// down) as it says. Answers the rule with its `id`.
    @Sendable func addFault(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let rule = try await request.controlBody(FaultRule.self, accepts: AcceptedKeys.faultRule, context: context)
        if let problem = rule.problem { throw TwilioError.invalidParameter("fault", hint: problem) }
        return try JSONResponse.make(faults.add(rule), status: .created)
    }

    /// `POST /emulator/v1/reset` (optionally `?account_sid=AC…`): deletes services,
    /// verifications and messages (and, for a full reset, fixed codes and the request log);
    /// fixture services come back.
    @Sendable func reset(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let query = try request.queryForm()
        var account: SID?
        if let text = query["account_sid"] {
            guard let sid = SID(text, expecting: .account) else {
                throw TwilioError.invalidParameter(
                    "account_sid", hint: "account_sid must be AC followed by 32 hex digits")
            }
            account = sid
        }
        try await control.reset(account: account)
        if account == nil {
            requestLog.clear()
            webhooks.clear()
        }
        return try JSONResponse.make(["reset": account?.rawValue ?? "all"])
    }
}
