import Hummingbird
import VerifyWire

/// `/v2/Services/{VA}/Verifications`: start (and resend) a verification, fetch one, and end
/// one by hand with `Status=canceled` or `approved`.
struct VerificationsController: Sendable {
    let verifications: VerificationStore
    let outcomes: CatalogueOutcomes
    let urls: ResourceURLs
    let metrics: EmulatorMetrics

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add("/v2/Services/:service/Verifications", endpoint: .verifications, post: start)
        routes.add(
            "/v2/Services/:service/Verifications/:verification", endpoint: .verification, get: fetch, post: update)
    }

    @Sendable func start(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let serviceSid = try context.pathSID("service", .service, path: context.requestPath)
        let form = try await request.form(context: context)
        context.notes.recipient = form["To"]
        let start = try StartVerificationRequest(form: form)
        let account = try context.requireAccount()
        try await outcomes.apply(
            to: start.to, on: .start, account: account, riskCheckDisabled: start.riskCheck == .disable)
        let snapshot = try await verifications.start(
            account: account, serviceSid: serviceSid, request: start,
            withheld: OutcomeCatalogue.withheldDelivery(for: start.to))
        metrics.verificationStarted(channel: snapshot.verification.channel)
        return JSONResponse.make(bytes: Self.json(snapshot, baseURL: urls.base(request)), status: .created)
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let serviceSid = try context.pathSID("service", .service, path: context.requestPath)
        let sid = try context.pathSID("verification", .verification, path: context.requestPath)
        let snapshot = try await verifications.fetch(
            account: try context.requireAccount(), serviceSid: serviceSid, sid: sid)
        return JSONResponse.make(bytes: Self.json(snapshot, baseURL: urls.base(request)))
    }

    /// The verification's JSON; an SNA one with the URL its phone opens.
    static func json(_ snapshot: VerificationStore.Snapshot, baseURL: String) -> [UInt8] {
        let snaURL = snapshot.sna.map { "\(baseURL)/emulator/v1/sna/\($0.attempt)/\($0.token)" }
        return snapshot.verification.resource(baseURL: baseURL, attempts: snapshot.attempts, snaURL: snaURL)
            .jsonBytes()
    }

    @Sendable func update(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let serviceSid = try context.pathSID("service", .service, path: context.requestPath)
        let sid = try context.pathSID("verification", .verification, path: context.requestPath)
        let form = try await request.form(context: context)
        guard let text = try form.string("Status", required: true), let status = VerificationStatus(rawValue: text),
            status == .canceled || status == .approved
        else {
            throw TwilioError.invalidParameter("Status", hint: "Status must be canceled or approved")
        }
        let snapshot = try await verifications.update(
            account: try context.requireAccount(), serviceSid: serviceSid, sid: sid, status: status)
        return JSONResponse.make(
            bytes: snapshot.verification.resource(baseURL: urls.base(request), attempts: snapshot.attempts).jsonBytes())
    }
}
