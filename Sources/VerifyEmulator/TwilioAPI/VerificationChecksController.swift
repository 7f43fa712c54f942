import Hummingbird
import VerifyWire

/// `POST /v2/Services/{VA}/VerificationCheck`: checks a code by `To` or `VerificationSid`.
struct VerificationChecksController: Sendable {
    let verifications: VerificationStore
    let outcomes: CatalogueOutcomes
    let metrics: EmulatorMetrics

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add("/v2/Services/:service/VerificationCheck", endpoint: .verificationChecks, post: check)
    }

    @Sendable func check(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let serviceSid = try context.pathSID("service", .service, path: context.requestPath)
        let form = try await request.form(context: context)
        context.notes.recipient = form["To"]
        let check = try CheckVerificationRequest(form: form)
        if case .recipient(let to) = check.target {
            try await outcomes.apply(to: to, on: .check, account: try context.requireAccount())
        }
        let result: VerificationStore.CheckResult
        do {
            result = try await verifications.check(
                account: try context.requireAccount(), serviceSid: serviceSid, request: check)
        } catch {
            metrics.checkFailed(error)
            throw error
        }
        metrics.checked(result.verification.status == .approved ? .approved : .wrongCode)
        return JSONResponse.make(bytes: result.verification.checkResource(snaErrors: result.snaErrors).jsonBytes())
    }
}
