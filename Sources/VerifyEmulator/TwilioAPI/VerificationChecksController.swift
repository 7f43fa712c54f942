import Hummingbird
import VerifyWire

/// `POST /v2/Services/{VA}/VerificationCheck`: checks a code by `To` or `VerificationSid`.
struct VerificationChecksController: Sendable {
    let verifications: VerificationStore

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add("/v2/Services/:service/VerificationCheck", endpoint: .verificationChecks, post: check)
    }

    @Sendable func check(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let serviceSid = try context.pathSID("service", .service, path: context.requestPath)
        let check = try CheckVerificationRequest(form: try await request.form(context: context))
        let result = try await verifications.check(
            account: try context.requireAccount(), serviceSid: serviceSid, request: check, path: context.requestPath)
        return JSONResponse.make(bytes: result.verification.checkResource(snaErrors: result.snaErrors).jsonBytes())
    }
}
