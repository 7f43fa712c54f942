/// The environment that sends an unmodified app's Twilio calls to the emulator
/// (`verify-emulator env`): the proxy variables every HTTP stack reads, and the trust settings
/// of each runtime for the local CA.
///
/// ```swift
/// let environment = ProxyEnvironment(proxyURL: "http://127.0.0.1:4010", folder: folder)
/// print(environment.render(.sh))   // export HTTPS_PROXY='http://127.0.0.1:4010' ...
/// ```
public struct ProxyEnvironment: Sendable {
    public let proxyURL: String
    public let folder: LocalCAFolder

    public init(proxyURL: String, folder: LocalCAFolder) {
        self.proxyURL = proxyURL
        self.folder = folder
    }

    /// How the lines are written.
    public enum Format: String, Sendable, CaseIterable {
        case sh, fish, powershell, dotenv
    }

    /// Loopback never goes through the proxy (Go and the JDK skip it on their own; curl,
    /// requests and Node read this).
    public static let noProxy = "localhost,127.0.0.1,::1"

    /// The variables, in the order they are printed.
    public var variables: [(name: String, value: String)] {
        let (proxyHost, proxyPort) = proxyHostAndPort
        let java = [
            "-Dhttps.proxyHost=\(proxyHost)", "-Dhttps.proxyPort=\(proxyPort)",
            "-Dhttp.proxyHost=\(proxyHost)", "-Dhttp.proxyPort=\(proxyPort)",
            "-Dhttp.nonProxyHosts=localhost|127.*|[::1]",
            "-Djavax.net.ssl.trustStore=\(folder.javaTrustStorePath)", "-Djavax.net.ssl.trustStoreType=JKS",
            "-Djavax.net.ssl.trustStorePassword=\(JavaKeyStore.password)",
        ]
        return [
            ("HTTPS_PROXY", proxyURL), ("https_proxy", proxyURL),
            ("HTTP_PROXY", proxyURL), ("http_proxy", proxyURL),
            ("NO_PROXY", Self.noProxy), ("no_proxy", Self.noProxy),
            ("SSL_CERT_FILE", folder.bundlePath),
            ("REQUESTS_CA_BUNDLE", folder.bundlePath),
            ("CURL_CA_BUNDLE", folder.bundlePath),
            ("NODE_EXTRA_CA_CERTS", folder.certificatePath),
            ("JAVA_TOOL_OPTIONS", java.joined(separator: " ")),
        ]
    }

    /// The host and port of ``proxyURL`` (`http://host:port`), for the JVM's properties.
    var proxyHostAndPort: (String, String) {
        var rest = Substring(proxyURL)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        rest = rest.prefix { $0 != "/" }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            let port = rest[close...].dropFirst().drop { $0 == ":" }
            return (String(rest[...close]), port.isEmpty ? "80" : String(port))
        }
        if let colon = rest.lastIndex(of: ":") {
            return (String(rest[..<colon]), String(rest[colon...].dropFirst()))
        }
        return (String(rest), "80")
    }

    /// The lines to paste or `eval`.
    public func render(_ format: Format) -> String {
        variables.map { name, value in
            switch format {
            case .sh: "export \(name)=\(Self.singleQuoted(value))"
            case .fish: "set -gx \(name) \(Self.singleQuoted(value))"
            case .powershell: "$env:\(name) = '\(value.replacing("'", with: "''"))'"
            case .dotenv: "\(name)=\(Self.dotenvValue(value))"
            }
        }.joined(separator: "\n") + "\n"
    }

    private static func singleQuoted(_ value: String) -> String {
        "'" + value.replacing("'", with: "'\\''") + "'"
    }

    private static func dotenvValue(_ value: String) -> String {
        guard value.contains(where: { $0 == " " || $0 == "#" || $0 == "\"" || $0 == "'" || $0 == "$" }) else {
            return value
        }
        return "\"" + value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("$", with: "\\$")
            + "\""
    }
}
