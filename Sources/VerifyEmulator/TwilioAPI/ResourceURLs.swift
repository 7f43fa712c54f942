import Hummingbird

/// Where a resource's `url`, `links` and paging URLs point: the configured public URL, else the
/// host the request was sent to (so a client behind a port mapping gets URLs it can follow).
struct ResourceURLs: Sendable {
    let publicURL: String?
    /// The bound host and port, for a request without a `Host` header.
    let fallbackHost: String

    func base(_ request: Request) -> String {
        if let publicURL { return publicURL }
        return "http://\(request.head.authority ?? fallbackHost)"
    }
}
