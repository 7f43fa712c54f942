import Hummingbird
import VerifyWire

/// Twilio's other products (`api.twilio.com`, `lookups.twilio.com`, ...) reach the emulator too
/// when an app's HTTPS goes through its proxy: they are answered with Twilio's own 404 body and
/// a hint that the product is not emulated, never forwarded.
struct OtherTwilioProducts<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let authority = request.head.authority, let host = TwilioHostName(authority), !host.isVerify else {
            return try await next(request, context)
        }
        throw TwilioError(
            code: 20404, status: 404, message: "The requested resource \(request.uri.path) was not found",
            hint: "\(host) is not emulated: verify-emulator answers Twilio Verify v2 (verify.twilio.com) only")
    }
}
