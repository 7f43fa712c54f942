import HTTPTypes
import Hummingbird
import ServerOperations
import VerifyWire

/// Keeps web pages from driving the emulator through their visitors' browsers. The control API
/// sets codes, faults and the clock, resets everything and approves push challenges, and the
/// inbox shows every code: a page on another site must not reach them.
///
/// - **DNS rebinding**: a request whose `Host` is a name other than `localhost` (or a
///   `*.localhost` name, or one of ``AllowedHosts``) is refused with 403, on every path but the
///   health probes and metrics. An IP address is always admitted: rebinding needs a name.
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
    /// The largest body read while looking for one (``EmulatorConfiguration/maxBodySize``).
    let bodyLimit: Int

    /// No page may frame the inbox or the control API's answers (clickjacking its buttons).
    static var frameAncestors: String { "frame-ancestors 'none'" }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        // health and metrics tell nothing worth rebinding for, and probes and scrapers name the
        // emulator as they like (a container name, a service name)
        if Self.probePaths.contains(path) { return try await next(request, context) }
        // HTTP/1's Host header, as Hummingbird reads it
        let host = request.head.authority
        guard allowedHosts.admits(host) else {
            let detail =
                "Host '\(host ?? "")' is not a loopback name: start the emulator with --allowed-hosts \(AllowedHosts.name(of: host ?? "")) to answer it (guards against DNS rebinding)"
            throw TwilioError(code: 20403, status: 403, message: "Host not allowed", detail: detail, hint: detail)
        }
        if path.hasPrefix("/v2/") { return try await next(request, context) }
        var request = request
        if Self.changesState(request.method) {
            if let refusal = Self.crossSiteRefusal(request.headers, host: host) {
                throw TwilioError(
                    code: 20403, status: 403, message: "Cross-site request refused", detail: refusal, hint: refusal)
            }
            if !MediaType.isJSON(request.headers[.contentType]), try await Self.hasBody(&request, limit: bodyLimit) {
                let detail =
                    "send the body as JSON with Content-Type: application/json (got \(request.headers[.contentType] ?? "none"))"
                throw TwilioError(
                    code: 20415, status: 415, message: "Unsupported media type", detail: detail, hint: detail)
            }
        }
        var response = try await next(request, context)
        if let policy = response.headers[.contentSecurityPolicy] {
            if !policy.contains("frame-ancestors") {
                response.headers[.contentSecurityPolicy] = policy + "; " + Self.frameAncestors
            }
        } else {
            response.headers[.contentSecurityPolicy] = Self.frameAncestors
        }
        response.headers[.xFrameOptions] = "DENY"
        return response
    }

    static var probePaths: Set<String> { ["/healthz", "/livez", "/readyz", "/metrics"] }

    static func changesState(_ method: HTTPRequest.Method) -> Bool {
        method != .get && method != .head && method != .options
    }

    /// Whether the request carries any body bytes (an empty chunked body is none); what it read
    /// stays the request's body.
    static func hasBody(_ request: inout Request, limit: Int) async throws -> Bool {
        if request.headers[.contentLength] == "0" { return false }
        if request.headers[.contentLength] == nil, request.headers[.transferEncoding] == nil { return false }
        return try await request.collectBody(upTo: limit).readableBytes > 0
    }

    /// Why a browser's request came from another site, or nil when it did not (or is no browser's).
    static func crossSiteRefusal(_ headers: HTTPFields, host: String?) -> String? {
        if let site = headers[.secFetchSite], site != "same-origin", site != "none" {
            return "a page on another site (Sec-Fetch-Site: \(site)) may not change the emulator"
        }
        if let origin = headers[CORSHeaders.origin] {
            let originHost = origin.split(separator: "://", maxSplits: 1).last.map(String.init) ?? origin
            if originHost.lowercased() != (host ?? "").lowercased() {
                return "a page from \(origin) may not change the emulator at \(host ?? "")"
            }
        }
        return nil
    }
}

extension HTTPField.Name {
    static let xFrameOptions = Self("X-Frame-Options")!
}
