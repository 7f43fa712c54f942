import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
import VerifyClient

/// An upstream on loopback that answers every request either in full (a Twilio 404 error body)
/// or, while `stalling`, with its head and 10 bytes of a 400-byte body and then nothing: the
/// answer that used to hold a caller and its pooled connection for ever.
final class StallingUpstream: Sendable {
    let stalling = Atomic<Bool>(true)
    let opened = Atomic<Int>(0)
    let closed = Atomic<Int>(0)
    let channel: any Channel

    init() async throws {
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

    var baseURL: String { "http://127.0.0.1:\(channel.localAddress!.port!)" }

    func close() async throws { try await channel.close() }

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
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                guard request.utf8.count - request[..<headEnd.upperBound].utf8.count >= length else { return false }
                request = ""
                return true
            }
            guard complete else { return }
            let answer: String
            if owner()?.stalling.load(ordering: .relaxed) ?? false {
                answer = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"code\": 6"
            } else {
                let body = #"{"code": 20404, "message": "not found", "more_info": "x", "status": 404}"#
                answer =
                    "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
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

@Suite("An answer that stalls mid-body")
struct StalledBodyTests {
    func client(_ upstream: StallingUpstream) -> VerifyClient {
        VerifyClient(
            configuration: .init(
                baseURL: upstream.baseURL, credentials: .authToken(accountSid: "AC1", authToken: "x"),
                timeout: .seconds(1)))
    }

    @Test("is a timeout, not a hang: the body is bounded by the timeout as the head is")
    func oneStall() async throws {
        let upstream = try await StallingUpstream()
        let client = client(upstream)
        await #expect(throws: VerifyClientError.timeout) {
            try await client.startVerification(serviceSid: "VA1", to: "+15005550006", channel: .sms)
        }
        // the stuck connection was closed, not kept in the pool
        try await waitUntil { upstream.closed.load(ordering: .relaxed) == 1 }
        try await client.shutdown()
        try await upstream.close()
    }

    @Test("ten at once all time out, their connections close, and the client recovers by itself")
    func tenStalls() async throws {
        let upstream = try await StallingUpstream()
        let client = client(upstream)
        let outcomes = await withTaskGroup(of: VerifyClientError?.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do {
                        _ = try await client.listServices()
                        return nil
                    } catch {
                        return error as? VerifyClientError
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        // the calls that got no connection from the full pool in time are timeouts too
        #expect(outcomes == Array(repeating: .timeout, count: 10))
        // every connection that carried a stalled answer was closed, none kept in the pool
        try await waitUntil {
            let opened = upstream.opened.load(ordering: .relaxed)
            return opened > 0 && upstream.closed.load(ordering: .relaxed) == opened
        }
        // Verify is healthy again: every later call gets its full answer at once (a Twilio 404
        // here), not a 502/504 from a pool full of stuck connections
        upstream.stalling.store(false, ordering: .relaxed)
        for _ in 0..<12 {
            do {
                _ = try await client.listServices()
                Issue.record("expected Twilio's 404")
            } catch {
                #expect((error as? VerifyClientError)?.code == 20404)
            }
        }
        try await client.shutdown()
        try await upstream.close()
    }

    /// Polls `condition` for up to 30 s: the closes are seen by the server's event loop shortly
    /// after the client gave up.
    func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<300 where !condition() { try await Task.sleep(for: .milliseconds(100)) }
        #expect(condition())
    }
}
