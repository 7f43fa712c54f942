import Hummingbird

/// Where a resource's `url`, `links` and paging URLs point: the configured public URL, else the
/// host the request was sent to (so a client behind a port mapping gets URLs it can follow).
struct ResourceURLs: Sendable {
    let publicURL: String?
    /// The bound host and port, for a request without a `Host` header.
    let fallbackHost: String

    func base(_ request: Request) -> String {
        // through the proxy or the TLS listener the app called Twilio's name: its URLs are Twilio's
        if let authority = request.head.authority, TwilioHostName(authority) != nil { return "https://\(authority)" }
        if let publicURL { return publicURL }
        return "http://\(request.head.authority ?? fallbackHost)"
    }
}
