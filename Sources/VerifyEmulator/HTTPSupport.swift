import Hummingbird
import Logging
import NIOCore
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The request context of the emulator: Hummingbird's core storage plus the account the
/// request authenticated as (set by ``TwilioAuthMiddleware`` on `/v2` paths).
public struct EmulatorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated account; nil outside `/v2`.
    public var account: SID?
    /// The request's path, set by the first middleware: Hummingbird's `uri.path` builds a new
    /// string on every call, and a Twilio request reads its path half a dozen times.
    var requestPath = "/"
    /// Set by the application from its configuration before routing.
    var bodyLimit: Int = 64 * 1024

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { bodyLimit }
}

/// JSON responses in Twilio's style: snake_case keys are in the resource types, slashes
/// unescaped so URLs read as URLs.
enum JSONResponse {
    static func make(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) throws
        -> Response
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = try encoder.encode(value)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A response from JSON bytes already written (see ``JSONWriter``).
    static func make(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func error(_ error: TwilioError, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        if error.status == 401 { fields[.wwwAuthenticate] = "Basic realm=\"Twilio API\"" }
        do {
            return try make(error, status: .init(code: error.status), headers: fields)
        } catch {
            return Response(status: .internalServerError)
        }
    }
}

/// Turns every failure into Twilio's JSON error body: thrown ``TwilioError``s as they are,
/// Hummingbird's not-found and too-large errors as 404/20404 and 413, anything unexpected as
/// 500/20500 (logged, never a crash). Every error is logged on one line with its hint.
struct TwilioErrorMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let logger: Logger
    let requestLog: RequestLog
    let clock: EmulatorClock

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
        let twilioError: TwilioError
        do {
            let response = try await next(request, context)
            if isTwilioAPI {
                // The only error answered without throwing is 405, whose handler adds `Allow`.
                let error: TwilioError? =
                    response.status == .methodNotAllowed
                    ? .methodNotAllowed(request.method.rawValue, path) : nil
                record(request, path: path, status: Int(response.status.code), error: error, started: started)
            }
            return response
        } catch let error as TwilioError {
            twilioError = error
        } catch is NIOTooManyBytesError {
            twilioError = .bodyTooLarge(limit: context.maxUploadSize)
        } catch let error as any HTTPResponseError {
            switch error.status {
            case .notFound: twilioError = .notFound(path, hint: "no route for \(path)")
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
        logger.info(
            "\(request.method) \(path) -> \(twilioError.status) \(twilioError.code): \(twilioError.hint ?? twilioError.message)"
        )
        if isTwilioAPI { record(request, path: path, status: twilioError.status, error: twilioError, started: started) }
        return JSONResponse.error(twilioError)
    }

    private func record(
        _ request: Request, path: String, status: Int, error: TwilioError?, started: ContinuousClock.Instant
    ) {
        let elapsed = ContinuousClock.now - started
        requestLog.record(
            RequestLog.Record(
                method: request.method.rawValue, path: path, status: status, error: error,
                at: clock.now().epochMilliseconds, durationMs: (elapsed.seconds * 1_000_000).rounded() / 1000))
    }
}

/// The accounts the emulator accepts, looked up by account SID or API key SID.
struct AccountDirectory: Sendable {
    private let tokens: [String: String]
    private let apiKeys: [String: (account: SID, secret: String)]
    /// The exact `Authorization` values the SDKs send for each credential, so the common case
    /// is one dictionary lookup instead of base64 decoding on every request.
    private let canonicalHeaders: [String: SID]

    init(accounts: [Account]) {
        var tokens: [String: String] = [:]
        var apiKeys: [String: (account: SID, secret: String)] = [:]
        var canonicalHeaders: [String: SID] = [:]
        func header(_ user: String, _ secret: String) -> String {
            "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString()
        }
        for account in accounts {
            tokens[account.sid.rawValue] = account.authToken
            canonicalHeaders[header(account.sid.rawValue, account.authToken)] = account.sid
            for key in account.apiKeys {
                apiKeys[key.sid.rawValue] = (account.sid, key.secret)
                canonicalHeaders[header(key.sid.rawValue, key.secret)] = account.sid
            }
        }
        self.tokens = tokens
        self.apiKeys = apiKeys
        self.canonicalHeaders = canonicalHeaders
    }

    /// The account that `Authorization: Basic …` names, if its secret is right.
    func authenticate(_ authorization: String?) throws(TwilioError) -> SID {
        guard let authorization else { throw .authenticationFailed(hint: "no Authorization header") }
        if let account = canonicalHeaders[authorization] { return account }
        guard authorization.count > 6, authorization.prefix(6).lowercased() == "basic " else {
            throw .authenticationFailed(hint: "Authorization is not HTTP Basic")
        }
        guard let data = Data(base64Encoded: authorization.dropFirst(6).trimming { $0 == " " || $0 == "\t" }),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { throw .authenticationFailed(hint: "Basic credentials are not base64 of user:password") }
        let user = String(text[..<colon])
        let secret = String(text[text.index(after: colon)...])
        if let token = tokens[user] {
            guard constantTimeEquals(token, secret) else {
                throw .authenticationFailed(hint: "wrong auth token for \(user)")
            }
            return SID(unchecked: user)
        }
        if let key = apiKeys[user] {
            guard constantTimeEquals(key.secret, secret) else {
                throw .authenticationFailed(hint: "wrong secret for API key \(user)")
            }
            return key.account
        }
        throw .authenticationFailed(hint: "unknown account or API key \(user)")
    }
}

/// HTTP Basic authentication for every `/v2` path, as Twilio requires; the control API and
/// `/healthz` are open (the emulator binds to loopback by default).
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
        if context.requestPath.hasPrefix("/v2/") || context.requestPath == "/v2" {
            // Not `headers[.authorization]`, which joins repeated fields into a new string.
            var authorization: String?
            for field in request.headers where field.name == .authorization {
                guard authorization == nil else {
                    throw TwilioError.authenticationFailed(hint: "more than one Authorization header")
                }
                authorization = field.value
            }
            context.account = try directory.authenticate(authorization)
        }
        return try await next(request, context)
    }
}

extension Request {
    /// The form in the body (POST) as Twilio's SDKs send it.
    func form(context: EmulatorRequestContext) async throws -> FormData {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        do {
            return try FormData(parsing: Array(buffer.readableBytesView))
        } catch {
            throw TwilioError.malformedBody(hint: error.description)
        }
    }

    /// The query string as a form.
    func queryForm() throws(TwilioError) -> FormData {
        guard let query = uri.query, !query.isEmpty else { return FormData() }
        do {
            return try FormData(parsing: query)
        } catch {
            throw .malformedBody(hint: "query string: \(error.description)")
        }
    }
}
