/// Which redirect URIs a client may register (RFC 9700 §2.1, RFC 8252 for native apps). At
/// authorization a request's `redirect_uri` must equal a registered one as a string, so what is
/// registered is all that is ever redirected to: a web app's `https` address; `http` only on the
/// loopback interface (a native or development app); a private-use scheme such as
/// `com.example.app:/callback` only for a public client (a native app). Never a fragment, user
/// information or a scheme that runs in the page (`javascript:`, `data:`).
enum RedirectURIRule {
    static let loopbackHosts: Set<String> = ["127.0.0.1", "[::1]", "localhost"]

    /// Why `uri` cannot be registered, or nil.
    static func problem(with uri: String, publicClient: Bool) -> String? {
        guard !uri.isEmpty, uri.utf8.count <= 2000 else { return "must be a URL of at most 2000 bytes" }
        guard uri.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            return "must be ASCII without spaces (percent-encode the rest)"
        }
        guard !uri.contains("#") else { return "must not have a fragment (#)" }
        guard let colon = uri.firstIndex(of: ":") else {
            return "must be an absolute URL such as https://app.example.com/callback"
        }
        let scheme = uri[..<colon].lowercased()
        guard let first = scheme.first, first.isLetter,
            scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        else { return "must be an absolute URL such as https://app.example.com/callback" }
        let rest = uri[uri.index(after: colon)...]
        switch scheme {
        case "https", "http":
            guard rest.hasPrefix("//") else {
                return "must be an absolute URL such as https://app.example.com/callback"
            }
            let authority = rest.dropFirst(2).prefix { $0 != "/" && $0 != "?" }
            guard !authority.contains("@") else { return "must not hold user information (@)" }
            let host = hostOf(authority).lowercased()
            guard !host.isEmpty else { return "must name a host" }
            if scheme == "http" && !loopbackHosts.contains(host) {
                return "must use https (http only for 127.0.0.1, [::1] or localhost)"
            }
            return nil
        default:
            guard publicClient else { return "must be an https URL (a private-use scheme only for a public client)" }
            guard scheme.contains(".") else {
                return "a private-use scheme must be a reversed domain such as com.example.app:/callback (RFC 8252)"
            }
            return nil
        }
    }

    /// The host of an authority (`host`, `host:port`, `[v6]:port`).
    static func hostOf(_ authority: Substring) -> Substring {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
            return authority[...end]
        }
        return authority.prefix { $0 != ":" }
    }
}
