import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServerOperations
import VerifyWire

/// Turns every failure into Twilio's JSON error body: thrown ``TwilioError``s as they are,
/// Hummingbird's not-found and too-large errors as 404/20404 and 413, anything unexpected as
/// 500/20500 (logged, never a crash). Every error is logged on one line with its hint. Every
/// Twilio API response, success or failure, carries a `Twilio-Request-Id` (`RQ…`), which the
/// request log shows too, as Twilio's support asks for it.
struct TwilioErrorMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let logger: Logger
    let requestLog: RequestLog
    let clock: EmulatorClock
    /// The methods of the router's own routes (health, control API, inbox): a known path asked
    /// with another method is a 405 with `Allow`. `/v2` answers its own 405s (``TwilioRouter``).
    var routeMethods = RouteMethods()

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        let started = ContinuousClock.now
        let path = request.uri.path
        var context = context
        context.requestPath = path
        let isTwilioAPI = path.hasPrefix("/v2")
        let requestId = isTwilioAPI ? SID.random(.request).rawValue : ""
        var twilioError: TwilioError
        var allowed: [String]?
        do {
            var response = try await next(request, context)
            if isTwilioAPI {
                response.headers[Self.requestIdHeader] = requestId
                if response.headers[CORSHeaders.allowOrigin] == nil {
                    CORSHeaders.add(to: &response.headers, origin: request.headers[CORSHeaders.origin])
                }
                // The only error answered without throwing is 405, whose handler adds `Allow`.
                let error: TwilioError? =
                    response.status == .methodNotAllowed
                    ? .methodNotAllowed(request.method.rawValue, path) : nil
                record(
                    request, requestId: requestId, path: path, status: Int(response.status.code), error: error,
                    to: context.notes.recipient, started: started)
            }
            return response
        } catch let error as TwilioError {
            twilioError = error
        } catch let error as NotFound {
            twilioError = .notFound(path, hint: error.hint)
        } catch is NIOTooManyBytesError {
            twilioError = .bodyTooLarge(limit: context.maxUploadSize)
        } catch let error as HTTPParserError {
            // a broken request (a bad chunk size, say) is the client's error, not the server's
            twilioError = .malformedBody(hint: "the request is not valid HTTP/1.1: \(error)")
        } catch let error as any HTTPResponseError {
            switch error.status {
            case .notFound:
                allowed = isTwilioAPI ? nil : routeMethods.allowed(for: path)
                twilioError =
                    allowed == nil
                    ? .notFound(path, hint: "no route for \(path)")
                    : .methodNotAllowed(request.method.rawValue, path)
            case .contentTooLarge: twilioError = .bodyTooLarge(limit: context.maxUploadSize)
            case .methodNotAllowed: twilioError = .methodNotAllowed(request.method.rawValue, path)
            default:
                twilioError = TwilioError(
                    code: 20001, status: Int(error.status.code), message: error.status.reasonPhrase,
                    hint: "\(error)")
            }
        } catch {
            twilioError = .internalError(hint: "\(type(of: error)): \(error)")
            logger.error("unexpected error on \(request.method) \(path): \(error)")
        }
        var fields: Logger.Metadata = [
            "route": "\(context.endpointPath ?? "NotFound")", "method": "\(request.method)",
            "status": "\(twilioError.status)", "error_code": "\(twilioError.code)",
            "duration_ms": "\(Self.milliseconds(since: started))",
        ]
        if isTwilioAPI { fields["twilio_request_id"] = "\(requestId)" }
        // the request's own logger: its hb.request.id is the request_id of a JSON line
        context.logger.info(
            "\(request.method) \(path) -> \(twilioError.status) \(twilioError.code): \(twilioError.hint ?? twilioError.message)",
            metadata: fields)
        if isTwilioAPI {
            record(
                request, requestId: requestId, path: path, status: twilioError.status, error: twilioError,
                to: context.notes.recipient, started: started)
        }
        // The emulator's own API (`/emulator/v1`) tells the caller why, in Twilio's optional
        // `detail`; the Twilio API keeps Twilio's bodies and puts the hint in the request log.
        if !isTwilioAPI, twilioError.detail == nil { twilioError.detail = twilioError.hint }
        var response = JSONResponse.error(twilioError)
        if let allowed { response.headers[.allow] = allowed.joined(separator: ", ") }
        if isTwilioAPI {
            response.headers[Self.requestIdHeader] = requestId
            CORSHeaders.add(to: &response.headers, origin: request.headers[CORSHeaders.origin])
        }
        return response
    }

    static let requestIdHeader = HTTPField.Name("Twilio-Request-Id")!

    /// Milliseconds since `started`, to a tenth.
    static func milliseconds(since started: ContinuousClock.Instant) -> Double {
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        return ((Double(seconds) * 1000 + Double(attoseconds) / 1e15) * 10).rounded() / 10
    }

    private func record(
        _ request: Request, requestId: String, path: String, status: Int, error: TwilioError?, to: String?,
        started: ContinuousClock.Instant
    ) {
        let elapsed = ContinuousClock.now - started
        requestLog.record(
            RequestLog.Record(
                requestId: requestId, method: request.method.rawValue, path: path, status: status, error: error,
                to: to, at: clock.now().epochMilliseconds, durationMs: (elapsed.seconds * 1_000_000).rounded() / 1000))
    }
}
