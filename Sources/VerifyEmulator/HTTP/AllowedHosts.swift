/// The `Host` names the emulator answers besides loopback ones (`--allowed-hosts`,
/// `VERIFY_EMULATOR_ALLOWED_HOSTS`), as Vite and webpack-dev-server keep them: a name a
/// compose file or a proxy gives the emulator (`verify-emulator`, `emulator.internal`), a
/// leading dot for a domain and its subdomains (`.example.test`), or `*` for any.
///
/// ```swift
/// let hosts = try AllowedHosts(parsing: "verify-emulator,.internal")
/// hosts.admits("verify-emulator:4010")   // true
/// hosts.admits("attacker.example")      // false
/// hosts.admits("127.0.0.1:4010")        // true: an IP address is never a rebinding
/// ```
public struct AllowedHosts: Sendable, Equatable {
    public var names: [String]

    public init(_ names: [String] = []) {
        self.names = names.map { $0.lowercased() }
    }

    /// A comma-separated list; an entry with a scheme, a path or a space is refused, naming it.
    public init(parsing text: String) throws(ConfigurationError) {
        var names: [String] = []
        for entry in text.split(separator: ",") {
            let name = String(entry.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
            if name.isEmpty { continue }
            guard name == "*" || name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }),
                name.allSatisfy(\.isASCII)
            else {
                throw ConfigurationError(
                    "--allowed-hosts: '\(name)' is not a host name (use names like verify-emulator or .example.test, or *)"
                )
            }
            names.append(name)
        }
        self.init(names)
    }

    /// Whether a request with this `Host` (or `:authority`) is answered.
    public func admits(_ host: String?) -> Bool {
        guard let host, !host.isEmpty else { return true }  // HTTP/1.0 without Host: no browser
        let name = Self.name(of: host)
        if Self.isIPAddress(name) || name == "localhost" || name.hasSuffix(".localhost") { return true }
        // Twilio's names arrive through the proxy or the TLS listener; no page can rebind them
        if TwilioHostName(name) != nil { return true }
        return names.contains {
            $0 == "*" || $0 == name || ($0.hasPrefix(".") && (name.hasSuffix($0) || "." + name == $0))
        }
    }

    /// The host name of a `Host` value, lowercased, without its port or brackets.
    static func name(of host: String) -> String {
        var text = Substring(host.lowercased())
        if text.hasPrefix("[") {
            return String(text.dropFirst().prefix { $0 != "]" })
        }
        if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon { text = text[..<colon] }
        if text.hasSuffix(".") { text = text.dropLast() }
        return String(text)
    }

    static func isIPAddress(_ name: String) -> Bool {
        if name.contains(":") { return name.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isNumber) && Int(part)! <= 255
            }
    }
}
