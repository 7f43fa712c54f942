import Hummingbird
import VerifyWire

/// HTTP Basic authentication for every `/v2` path, as Twilio requires; the control API,
/// `/healthz`, `/livez`, `/readyz` and `/metrics` are open (the emulator binds to loopback by default).
struct TwilioAuthMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let directory: AccountDirectory
    let bodyLimit: Int

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        var context = context
        context.bodyLimit = bodyLimit
        // a CORS preflight never carries credentials: the router answers it
        if context.requestPath.hasPrefix("/v2/") || context.requestPath == "/v2", request.method != .options {
            // Not `headers[.authorization]`, which joins repeated fields into a new string.
            var authorization: String?
            for field in request.headers where field.name == .authorization {
                guard authorization == nil else {
                    throw TwilioError.authenticationFailed(hint: "more than one Authorization header")
                }
                authorization = field.value
            }
            switch try directory.authenticate(authorization) {
            case .account(let account): context.account = account
            case .device(let token): context.deviceToken = DeviceToken(token)
            }
        }
        // a phone's JWT names its account in `sub` (checked against its factor later): its calls
        // read that account's clock too
        guard let account = context.account ?? context.deviceToken?.claimedAccount else {
            return try await next(request, context)
        }
        // the account's own clock, if it has one, for everything that serves this request
        return try await EmulatorClock.$account.withValue(account) { try await next(request, context) }
    }
}
