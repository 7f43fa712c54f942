import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// One plain HTTP/1.1 request on a fresh connection, within a timeout: how the emulator tells
/// local receivers about messages and Verify events, and how `healthcheck` asks a server whether
/// it is ready. Over SwiftNIO, which both servers already link: a general HTTP client
/// (AsyncHTTPClient, with TLS and HTTP/2) made the emulator's binary 60% larger and its idle
/// memory 2.5 MB higher.
///
/// ```swift
/// let probe = PlainHTTPExchange(host: "127.0.0.1", port: 4010, path: "/readyz", timeout: .seconds(2))
/// if case .answered(200, _) = await probe.send() { print("ready") }
/// ```
public struct PlainHTTPExchange: Sendable {
    public var host: String
    public var port: Int
    /// The request target: path and query, percent-encoded as given.
    public var path: String
    /// The `Host` header; `host:port` unless set.
    public var authority: String
    public var method: HTTPMethod
    public var headers: [(String, String)]
    public var body: ByteBuffer?
    public var timeout: Duration
    /// The most of the answer's body kept (the rest is read and dropped).
    public var bodyLimit = 64 * 1024

    /// What became of the request.
    public enum Outcome: Sendable, Equatable {
        /// The server answered with this status and body (UTF-8, cut at ``bodyLimit``).
        case answered(status: Int, body: String)
        /// No answer: refused, closed, or not within the timeout; the reason in words.
        case failed(String)
    }

    public init(
        method: HTTPMethod = .GET, host: String, port: Int, path: String, authority: String? = nil,
        headers: [(String, String)] = [], body: ByteBuffer? = nil, timeout: Duration
    ) {
        self.method = method
        self.host = host
        self.port = port
        self.path = path
        self.authority = authority ?? "\(host.contains(":") ? "[\(host)]" : host):\(port)"
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// Sends the request; the answer, or why there was none. Never throws and never waits
    /// longer than ``timeout``.
    public func send() async -> Outcome {
        do {
            return try await withThrowingTaskGroup(of: Outcome.self) { group in
                group.addTask { try await exchange() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return .failed("no answer within \(timeout)")
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .failed("cancelled")
            }
        } catch {
            return .failed(Self.reason(for: error))
        }
    }

    /// "connection refused" rather than NIO's description of every address it tried.
    public static func reason(for error: any Error) -> String {
        switch error {
        case let error as IOError: return String(cString: strerror(error.errnoCode)).lowercased()
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return reason(for: first.error) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "cannot resolve \(error.host)" }
            return "\(error)"
        case ChannelError.connectTimeout: return "no connection within the timeout"
        default: return "\(error)"
        }
    }

    private func exchange() async throws -> Outcome {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(TimeAmount(timeout))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
            head.headers.add(name: "Host", value: authority)
            if let body { head.headers.add(name: "Content-Length", value: String(body.readableBytes)) }
            head.headers.add(name: "Connection", value: "close")
            for (name, value) in headers { head.headers.add(name: name, value: value) }
            try await outbound.write(.head(head))
            if let body { try await outbound.write(.body(.byteBuffer(body))) }
            try await outbound.write(.end(nil))
            var status: Int?
            var answer = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let response): status = Int(response.status.code)
                case .body(var chunk):
                    let room = max(0, bodyLimit - answer.readableBytes)
                    if let kept = chunk.readSlice(length: min(room, chunk.readableBytes)) {
                        answer.writeImmutableBuffer(kept)
                    }
                case .end:
                    if let status { return .answered(status: status, body: String(buffer: answer)) }
                }
            }
            throw ClosedWithoutAnswer()
        }
    }

    private struct ClosedWithoutAnswer: Error, CustomStringConvertible {
        var description: String { "the server closed the connection without an answer" }
    }
}
