import Logging
import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Outbound delivery: POSTs each "sent" message as JSON (the control API's message shape) to a
/// configured `http://` URL, so another local tool can receive the "SMS". Best effort and in
/// the background: a slow or failing receiver never delays or fails the Verify request;
/// failures are logged.
///
/// One plain HTTP/1.1 request per message over SwiftNIO, which the server already links. A
/// general HTTP client (AsyncHTTPClient, with TLS and HTTP/2) made the emulator's binary 60%
/// larger and its idle resident memory 2.5 MB higher, for receivers that are local tools.
struct DeliveryHook: Sendable {
    /// Where to connect and what to ask for.
    struct Target: Sendable, Equatable {
        var host: String
        var port: Int
        /// The request target: path and query, percent-encoded as given.
        var path: String
        /// The `Host` header.
        var authority: String
    }

    /// Why a URL cannot be used.
    struct Problem: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// What became of one delivery.
    enum Outcome: Sendable, Equatable {
        case answered(status: Int)
        case failed(String)
    }

    let target: Target
    let logger: Logger
    var timeout: Duration = .seconds(5)

    init(url: String, logger: Logger) throws(ConfigurationError) {
        switch Self.parse(url) {
        case .success(let target): self.target = target
        case .failure(let problem): throw ConfigurationError("delivery webhook: \(problem.reason)")
        }
        self.logger = logger
    }

    /// Why `url` cannot be a delivery webhook, or nil when it can.
    static func problem(with url: String) -> String? {
        if case .failure(let problem) = parse(url) { problem.reason } else { nil }
    }

    static func parse(_ text: String) -> Result<Target, Problem> {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else {
            return .failure(Problem("'\(text)' is not a URL"))
        }
        guard scheme == "http" else {
            return .failure(
                Problem(
                    "'\(text)' is not an http:// URL: only http:// URLs are supported (receivers are local tools; "
                        + "put a local relay in front of an https:// one)"))
        }
        guard let host = url.host(percentEncoded: false), !host.isEmpty else {
            return .failure(Problem("'\(text)' has no host"))
        }
        let port = url.port ?? 80
        guard (1...65535).contains(port) else {
            return .failure(Problem("'\(text)' has no valid port"))
        }
        var path = url.path(percentEncoded: true)
        if path.isEmpty { path = "/" }
        if let query = url.query(percentEncoded: true) { path += "?" + query }
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return .success(
            Target(host: host, port: port, path: path, authority: url.port == nil ? bracketed : "\(bracketed):\(port)"))
    }

    /// Delivers `message` in the background.
    func post(_ message: MessageRecord) {
        Task { await deliver(message) }
    }

    /// Delivers `message` and logs a failure or a non-2xx answer.
    @discardableResult
    func deliver(_ message: MessageRecord) async -> Outcome {
        let outcome: Outcome
        do {
            let body = try JSONEncoder().encode(OutboxMessage(message))
            outcome = await PlainHTTPPost(target: target, timeout: timeout).send(
                ByteBuffer(bytes: body), contentType: "application/json")
        } catch {
            outcome = .failed("\(error)")
        }
        let url = "http://\(target.authority)\(target.path)"
        switch outcome {
        case .answered(let status) where !(200..<300).contains(status):
            logger.warning("delivery webhook \(url) answered \(status) for \(message.sid)")
        case .failed(let reason):
            logger.warning("delivery webhook \(url) failed for \(message.sid): \(reason)")
        case .answered:
            break
        }
        return outcome
    }
}
