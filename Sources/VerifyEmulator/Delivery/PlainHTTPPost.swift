import NIOCore
import NIOHTTP1
import NIOPosix

/// One plain HTTP/1.1 POST on a fresh connection, within a timeout: how the emulator tells local
/// receivers about messages (``DeliveryHook``) and Verify events (``WebhookDispatcher``). Over
/// SwiftNIO, which the server already links: a general HTTP client (AsyncHTTPClient, with TLS
/// and HTTP/2) made the binary 60% larger and idle memory 2.5 MB higher.
struct PlainHTTPPost: Sendable {
    let target: DeliveryHook.Target
    let timeout: Duration

    /// Posts `body`; the answer's status, or why there was none.
    func send(
        _ body: ByteBuffer, contentType: String, headers: [(String, String)] = []
    ) async -> DeliveryHook.Outcome {
        do {
            return try await withThrowingTaskGroup(of: DeliveryHook.Outcome.self) { group in
                group.addTask { .answered(status: try await post(body, contentType: contentType, headers: headers)) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return .failed("no answer within \(timeout)")
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .failed("cancelled")
            }
        } catch {
            return .failed("\(error)")
        }
    }

    private func post(_ body: ByteBuffer, contentType: String, headers: [(String, String)]) async throws -> Int {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(TimeAmount(timeout))
            .connect(host: target.host, port: target.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target.path)
            head.headers.add(name: "Host", value: target.authority)
            head.headers.add(name: "Content-Type", value: contentType)
            head.headers.add(name: "Content-Length", value: String(body.readableBytes))
            head.headers.add(name: "User-Agent", value: "verify-emulator")
            head.headers.add(name: "Connection", value: "close")
            for (name, value) in headers { head.headers.add(name: name, value: value) }
            try await outbound.write(.head(head))
            try await outbound.write(.body(.byteBuffer(body)))
            try await outbound.write(.end(nil))
            var status: Int?
            for try await part in inbound {
                switch part {
                case .head(let response): status = Int(response.status.code)
                case .body: continue
                case .end: if let status { return status }
                }
            }
            throw ClosedWithoutAnswer()
        }
    }

    private struct ClosedWithoutAnswer: Error, CustomStringConvertible {
        var description: String { "the receiver closed the connection without an answer" }
    }
}
