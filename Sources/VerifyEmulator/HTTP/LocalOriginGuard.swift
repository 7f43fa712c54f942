import HTTPTypes
import Hummingbird
import VerifyWire


/// Keeps web pages from driving the emulator through their visitors' browsers. The control API
/// sets codes, faults and the clock, resets everything and approves push challenges, and the
/// inbox shows every code: a page on another site must not reach them.
///
/// - **DNS rebinding**: a request whose `Host` is a name other than `localhost` (or a
///   `*.localhost` name, or one of ``AllowedHosts``) is refused with 403, on every path. An IP
///   address is always admitted: rebinding needs a name.
/// - **Cross-site requests**: a state-changing control-API or inbox request (`POST`, `PUT`,
///   `PATCH`, `DELETE` outside `/v2`) from a browser on another origin (`Sec-Fetch-Site` other
///   than `same-origin`/`none`, or an `Origin` whose host differs from `Host`) is refused with
///   403; and its body must say `Content-Type: application/json`, which no form or "simple"
///   cross-site request can send without a CORS preflight (415 otherwise).
/// - **Framing**: every answer outside `/v2` carries `frame-ancestors 'none'`.
///
/// `/v2` keeps its CORS answers: Twilio's API is meant to be called from pages with credentials.
/// The official SDKs, curl, the helpers and the inbox page send nothing this refuses.
struct LocalOriginGuard<Context: RequestContext>: RouterMiddleware {
    let allowedHosts: AllowedHosts

    static var contentSecurityPolicy: HTTPField {
        HTTPField(name: .contentSecurityPolicy, value: "frame-ancestors 'none'")
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // HTTP/1's Host header, as Hummingbird reads it
        let host = request.head.authority
        guard allowedHosts.admits(host) else {
            throw TwilioError(
                code: 20403, status: 403, message: "Host not allowed",
                hint:
                    "Host '\(host ?? "")' is not a loopback name: start the emulator with --allowed-hosts \(AllowedHosts.name(of: host ?? "")) to answer it (guards against DNS rebinding)"
            )
        }
        let path = request.uri.path
        if path.hasPrefix("/v2/") { return try await next(request, context) }
        if Self.changesState(request.method) {
            if let refusal = Self.crossSiteRefusal(request.headers, host: host) {
                throw TwilioError(code: 20403, status: 403, message: "Cross-site request refused", hint: refusal)
            }
            if Self.hasBody(request.headers), !Self.saysJSON(request.headers[.contentType]) {
                throw TwilioError(
                    code: 20415, status: 415, message: "Unsupported media type",
                    hint:
                        "send the body as JSON with Content-Type: application/json (got \(request.headers[.contentType] ?? "none"))"
                )
            }
        }
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy.value
        response.headers[.xFrameOptions] = "DENY"
        return response
    }

    static func changesState(_ method: HTTPRequest.Method) -> Bool {
        method != .get && method != .head && method != .options
    }

    static func hasBody(_ headers: HTTPFields) -> Bool {
        if let length = headers[.contentLength] { return length != "0" }
        return headers[.transferEncoding] != nil
    }

    /// `application/json`, with parameters or not, in any case.
    static func saysJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return type.filter { $0 != " " && $0 != "\t" }.lowercased() == "application/json"
    }

    /// Why a browser's request came from another site, or nil when it did not (or is no browser's).
    static func crossSiteRefusal(_ headers: HTTPFields, host: String?) -> String? {
        if let site = headers[.secFetchSite], site != "same-origin", site != "none" {
            return "a page on another site (Sec-Fetch-Site: \(site)) may not change the emulator"
        }
        if let origin = headers[.origin] {
            let originHost = origin.split(separator: "://", maxSplits: 1).last.map(String.init) ?? origin
            if originHost.lowercased() != (host ?? "").lowercased() {
                return "a page from \(origin) may not change the emulator at \(host ?? "")"
            }
        }
        return nil
    }
}

extension HTTPField.Name {
    static let secFetchSite = Self("Sec-Fetch-Site")!
    static let origin = Self("Origin")!
    static let xFrameOptions = Self("X-Frame-Options")!
}
