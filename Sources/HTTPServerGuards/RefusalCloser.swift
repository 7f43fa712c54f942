public import HTTPTypes
public import NIOCore
import NIOHTTP1
public import NIOHTTPTypes

/// Ends a connection the server has refused, instead of waiting on the client:
///
/// - After a `413 Content Too Large` the response says `Connection: close` and the connection is
///   closed once it is written. Left open, the server would read (and drop) the rest of the
///   upload before the client saw the answer, and a client that keeps sending would hold the
///   connection for as long as it likes.
/// - A request head the parser refuses (too large, malformed) gets the server's own answer, with
///   a body saying what was wrong, instead of a bare 400, and the connection is closed.
///
/// Add it to the HTTP/1 channel:
/// ```swift
/// .http1(configuration: .init(additionalChannelHandlers: [RefusalCloser(badHead: { error in ... })]))
/// ```
public final class RefusalCloser: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundIn = HTTPResponsePart
    public typealias OutboundOut = HTTPResponsePart

    /// An answer to a request head that could not be parsed.
    public struct Answer: Sendable {
        public var status: HTTPResponse.Status
        public var headers: HTTPFields
        public var body: String

        public init(status: HTTPResponse.Status, headers: HTTPFields = [:], body: String) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    /// Whether the parser's error means the head was too large (rather than malformed).
    public enum HeadProblem: Sendable {
        case tooLarge
        case malformed
    }

    private let badHead: @Sendable (HeadProblem) -> Answer
    private var closeAfterResponse = false
    private var answered = false
    /// Between a request's head and the end of its response: a parser error then is about its
    /// body (a bad chunk size) and belongs to the application, which is reading that body.
    private var requestsInFlight = 0

    public init(badHead: @escaping @Sendable (HeadProblem) -> Answer) {
        self.badHead = badHead
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { requestsInFlight += 1 }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status == .contentTooLarge:
            closeAfterResponse = true
            head.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end where closeAfterResponse:
            requestsInFlight -= 1
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            context.write(data, promise: written)
            context.flush()
        case .end:
            requestsInFlight -= 1
            context.write(data, promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, !answered, requestsInFlight == 0 else {
            context.fireErrorCaught(error)
            return
        }
        answered = true
        let problem: HeadProblem
        switch parserError {
        case .headerOverflow: problem = .tooLarge
        default: problem = .malformed
        }
        let answer = badHead(problem)
        var headers = answer.headers
        let body = ByteBuffer(string: answer.body)
        headers[.connection] = "close"
        headers[.contentLength] = String(body.readableBytes)
        context.write(wrapOutboundOut(.head(HTTPResponse(status: answer.status, headerFields: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
