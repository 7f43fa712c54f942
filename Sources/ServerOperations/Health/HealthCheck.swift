import Foundation

/// The `healthcheck` subcommand of both servers: asks the server on the configured host and port
/// whether it is ready (`GET /readyz`), for Docker's `HEALTHCHECK` and CI scripts.
///
/// ```swift
/// let result = await HealthCheck(bindHost: "0.0.0.0", port: 4010).run()
/// print(result.line)          // "ready: http://127.0.0.1:4010/readyz"
/// exit(result.isReady ? 0 : 1)
/// ```
public struct HealthCheck: Sendable {
    /// The address the server is asked at: the bind address, except that a wildcard
    /// (`0.0.0.0`, `::`) is asked on loopback, where every such server also listens.
    public var host: String
    public var port: Int
    public var timeout: Duration

    public init(bindHost: String, port: Int, timeout: Duration = .seconds(3)) {
        self.host = Self.probeHost(forBind: bindHost)
        self.port = port
        self.timeout = timeout
    }

    /// Where a client on this machine reaches a server bound to `bindHost`.
    public static func probeHost(forBind bindHost: String) -> String {
        switch bindHost.trimmingCharacters(in: .whitespaces) {
        case "", "0.0.0.0", "*": "127.0.0.1"
        case "::", "[::]": "::1"
        case let host: host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        }
    }

    /// Whether the server answered 200, and one line saying what was seen.
    public struct Result: Sendable, Equatable {
        public var isReady: Bool
        public var line: String

        public init(isReady: Bool, line: String) {
            self.isReady = isReady
            self.line = line
        }
    }

    public var url: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/readyz" }

    public func run() async -> Result {
        let exchange = PlainHTTPExchange(
            host: host, port: port, path: "/readyz", headers: [("Accept", "application/json")], timeout: timeout)
        switch await exchange.send() {
        case .answered(200, _):
            return Result(isReady: true, line: "ready: \(url)")
        case .answered(let status, let body):
            struct Reason: Decodable { var reason: String? }
            let reason = (try? JSONDecoder().decode(Reason.self, from: Data(body.utf8)))?.reason
            return Result(
                isReady: false, line: "not ready: \(url) answered \(status)" + (reason.map { ": \($0)" } ?? ""))
        case .failed(let reason):
            return Result(isReady: false, line: "not ready: cannot reach \(url): \(reason)")
        }
    }
}
