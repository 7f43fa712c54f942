import Hummingbird
import VerifyWire

/// `/v2/Services/{VA}/Passkeys`: `Factors` (register: creation options), `VerifyFactor` (the
/// browser's registration), `Challenges` (sign in: request options) and `ApproveChallenge` (the
/// browser's assertion). JSON bodies; account credentials.
struct PasskeysController: Sendable {
    let passkeys: PasskeyStore
    let webhooks: WebhookDispatcher
    let urls: ResourceURLs

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add("/v2/Services/:service/Passkeys/Factors", endpoint: .passkeys, post: createFactor)
        routes.add("/v2/Services/:service/Passkeys/VerifyFactor", endpoint: .passkeys, post: verifyFactor)
        routes.add("/v2/Services/:service/Passkeys/Challenges", endpoint: .passkeys, post: createChallenge)
        routes.add("/v2/Services/:service/Passkeys/ApproveChallenge", endpoint: .passkeys, post: approveChallenge)
    }

    @Sendable func createFactor(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let service = try context.pathSID("service", .service, path: context.requestPath)
        let body = try await request.passkeysBody(PasskeyRequests.CreateFactor.self, context: context)
        let (factor, options) = try await passkeys.createFactor(
            account: account, service: service, body)
        webhooks.emit(factor.event(.factorCreated))
        return try JSONResponse.make(
            factor.resource(baseURL: urls.base(request), isNew: true, options: .init(publicKey: options)),
            status: .created)
    }

    @Sendable func verifyFactor(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let service = try context.pathSID("service", .service, path: context.requestPath)
        let body = try await request.passkeysBody(PasskeyRequests.Registration.self, context: context)
        let factor = try await passkeys.verifyFactor(account: account, service: service, body)
        webhooks.emit(factor.event(.factorVerified))
        return try JSONResponse.make(factor.resource(baseURL: urls.base(request)))
    }

    @Sendable func createChallenge(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let service = try context.pathSID("service", .service, path: context.requestPath)
        let body = try await request.passkeysBody(PasskeyRequests.CreateChallenge.self, context: context)
        let ceremony = try await passkeys.createChallenge(
            account: account, service: service, body)
        return try JSONResponse.make(
            ceremony.resource(url: urls.base(request) + context.requestPath), status: .created)
    }

    @Sendable func approveChallenge(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let service = try context.pathSID("service", .service, path: context.requestPath)
        let body = try await request.passkeysBody(PasskeyRequests.Assertion.self, context: context)
        let ceremony = try await passkeys.approve(account: account, service: service, body)
        if let factor = ceremony.factor {
            webhooks.emit(factor.event(.challengeApproved, challenge: ceremony.challenge.sid))
        }
        return try JSONResponse.make(ceremony.resource(url: urls.base(request) + context.requestPath))
    }
}
