import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A Verify stand-in on loopback for testing a client's timeouts: while ``stalling`` it answers
/// every request with its head and 10 bytes of a 400-byte body, then nothing (the answer that
/// holds a careless client and its pooled connection for ever); otherwise at once, in full, with
/// Twilio's error body for ``healthyCode``.
///
/// ```swift
/// let upstream = try await StallingUpstream(healthyCode: 60200)
/// // point the client at upstream.baseURL: its calls must time out, then recover
/// upstream.stalling.store(false, ordering: .relaxed)
/// try await upstream.close()
/// ```
public final class StallingUpstream: Sendable {
    /// Whether answers stall mid-body (the default) or come whole.
    public let stalling = Atomic<Bool>(true)
    /// Connections accepted and closed so far: a client that gives up must close what it opened.
    public let opened = Atomic<Int>(0)
    public let closed = Atomic<Int>(0)
    /// The Twilio error code of a whole answer (its HTTP status is 400, or 404 for 20404).
    public let healthyCode: Int
    let channel: any Channel

    public init(healthyCode: Int = 20404) async throws {
        self.healthyCode = healthyCode
        let upstream = Mutex<StallingUpstream?>(nil)
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(owner: { upstream.withLock { $0 } }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        upstream.withLock { $0 = self }
    }

    public var baseURL: String { "http://127.0.0.1:\(channel.localAddress!.port!)" }

    public func close() async throws { try await channel.close() }

    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let owner: @Sendable () -> StallingUpstream?
        let received = Mutex("")

        init(owner: @escaping @Sendable () -> StallingUpstream?) { self.owner = owner }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let text = String(buffer: unwrapInboundIn(data))
            // a request ends with its empty line (GET) or its form body after it (POST)
            let complete = received.withLock { request -> Bool in
                request += text
                guard let headEnd = request.range(of: "\r\n\r\n") else { return false }
                let length =
                    request[..<headEnd.lowerBound].split(separator: "\r\n")
                    .first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].filter { $0 != " " }) } ?? 0
                guard request.utf8.count - request[..<headEnd.upperBound].utf8.count >= length else { return false }
                request = ""
                return true
            }
            guard complete else { return }
            let answer: String
            if owner()?.stalling.load(ordering: .relaxed) ?? false {
                answer =
                    "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"code\": 6"
            } else {
                let code = owner()?.healthyCode ?? 20404
                let status = code == 20404 ? "404 Not Found" : "400 Bad Request"
                let body =
                    #"{"code": \#(code), "message": "as asked", "more_info": "x", "status": \#(status.prefix(3))}"#
                answer =
                    "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
                    + body
            }
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
        }

        func channelActive(context: ChannelHandlerContext) {
            owner()?.opened.add(1, ordering: .relaxed)
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            owner()?.closed.add(1, ordering: .relaxed)
            context.fireChannelInactive()
        }
    }
}
