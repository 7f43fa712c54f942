public import NIOCore
public import NIOHTTP1

/// Keeps an HTTP/1 connection serving after a request that asks to upgrade it, when the server
/// performs no upgrade: JDK 17's `java.net.http.HttpClient` sends `Connection: Upgrade,
/// HTTP2-Settings` and `Upgrade: h2c` on every request over `http://`, so without this a Java
/// app's second call on a kept-alive connection waits forever.
///
/// The stall is NIO's: its `HTTPDecoder` stops parsing after any request llhttp marks as an
/// upgrade (an `Upgrade` field with `upgrade` among the `Connection` tokens, or any `CONNECT`),
/// expecting an upgrade handler to take the connection over; NIO's own `HTTPServerUpgradeHandler`
/// leaves it stopped too when no upgrader matches. The request is answered over HTTP/1.1, which
/// RFC 9110 §7.8 allows (a server may ignore `Upgrade`), and every later byte stays in the spent
/// decoder. Once that request has been read and its response written, this handler puts a fresh
/// HTTP/1 codec in place of the spent one; bytes that arrived meanwhile move to the new decoder,
/// because ``ChannelPipeline/SynchronousOperations/addHTTP1ServerHandlers(position:decoderLimits:includesConnect:)``
/// makes decoders that forward what they hold when removed.
public final class DeclinedUpgradeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias InboundOut = HTTPServerRequestPart
    public typealias OutboundIn = HTTPServerResponsePart
    public typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case serving
        /// The request being read stops the decoder; `answered` once its response is written
        /// (a server may answer before it has read the whole request).
        case readingUpgradeRequest(answered: Bool)
        /// It has been read; its response is still to be written.
        case answeringUpgradeRequest
        /// The codec is being replaced.
        case done
    }

    private let decoderLimits: NIOHTTPDecoderLimitConfiguration
    private let includesConnect: Bool
    private var state = State.serving

    init(decoderLimits: NIOHTTPDecoderLimitConfiguration, includesConnect: Bool) {
        self.decoderLimits = decoderLimits
        self.includesConnect = includesConnect
    }

    /// Whether the HTTP/1 decoder stops after this request: llhttp's rule, read from the fields
    /// as NIO's headers give them. It must never say yes where llhttp says no (a decoder that
    /// still parses would hand request parts to the new one), so `Connection` tokens compare
    /// whole, and anything unusual counts as no: that costs the stall, never a crash.
    public static func stopsDecoder(_ head: HTTPRequestHead, includesConnect: Bool) -> Bool {
        if head.method == .CONNECT { return includesConnect }
        guard head.headers.contains(name: "upgrade") else { return false }
        return head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        context.fireChannelRead(data)
        switch (part, state) {
        case (.head(let head), .serving):
            if Self.stopsDecoder(head, includesConnect: includesConnect) {
                state = .readingUpgradeRequest(answered: false)
            }
        case (.end, .readingUpgradeRequest(let answered)):
            state = answered ? .done : .answeringUpgradeRequest
            if answered { replaceCodec(context) }
        default:
            break
        }
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        guard isEnd else { return }
        switch state {
        case .answeringUpgradeRequest:
            state = .done
            replaceCodec(context)
        case .readingUpgradeRequest:
            state = .readingUpgradeRequest(answered: true)
        case .serving, .done:
            break
        }
    }

    /// The upgrade request is answered and no other was parsed (the decoder stopped after it):
    /// a fresh codec goes in before this handler, the spent one comes out, and the spent
    /// decoder (removed on the next tick) forwards the bytes it holds to the fresh one.
    private func replaceCodec(_ context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        do {
            let encoder = try pipeline.handler(type: HTTPResponseEncoder.self)
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            let fresh = try pipeline.addHTTP1ServerHandlers(
                position: .after(decoder), decoderLimits: decoderLimits, includesConnect: includesConnect)
            pipeline.removeHandler(encoder, promise: nil)
            pipeline.removeDecoder(decoder, forwardingTo: fresh)
            pipeline.removeHandler(context: context, promise: nil)
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// The server side of HTTP/1 as Hummingbird sets it up (NIO's `configureHTTPServerPipeline`
    /// with no pipelining assistance, error handling or outbound header validation: Hummingbird
    /// does those), and a ``DeclinedUpgradeHandler`` after it.
    ///
    /// The upgrade configuration with no upgraders is there for its decoder, which forwards the
    /// bytes it holds when removed (a decoder without one drops them), and keeps NIO's pairing
    /// of the decoder with the encoder (which leaves out the body of a response to `HEAD`). Its
    /// upgrade handler finds no upgrader and leaves the pipeline at the first request.
    ///
    /// ```swift
    /// try channel.pipeline.syncOperations.addHTTP1ServerHandlers(decoderLimits: limits)
    /// try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
    /// ```
    ///
    /// - Parameter includesConnect: whether a `CONNECT` request is answered and the connection
    ///   kept; false where another handler opens a tunnel for it.
    /// - Returns: the ``DeclinedUpgradeHandler``, the last of the handlers added.
    @discardableResult
    public func addHTTP1ServerHandlers(
        position: ChannelPipeline.SynchronousOperations.Position = .last,
        decoderLimits: NIOHTTPDecoderLimitConfiguration, includesConnect: Bool = true
    ) throws -> DeclinedUpgradeHandler {
        let declined = DeclinedUpgradeHandler(decoderLimits: decoderLimits, includesConnect: includesConnect)
        // added first, so the codec can go in before it at any position
        try addHandler(declined, position: position)
        try configureHTTPServerPipeline(
            position: .before(declined), withPipeliningAssistance: false,
            withServerUpgrade: (upgraders: [], completionHandler: { _ in }), withErrorHandling: false,
            withOutboundHeaderValidation: false, withEncoderConfiguration: .init(),
            withDecoderLimitConfiguration: decoderLimits)
        return declined
    }

    /// Removes a spent request decoder made by ``addHTTP1ServerHandlers(position:decoderLimits:includesConnect:)``,
    /// whose bytes (the next requests, or a TLS handshake) go to the handler after it, and then
    /// ends that read after `handler`: the handlers past it (Hummingbird's async channel among
    /// them) hand on what they got only when a read completes, and no read of the connection's
    /// own may come while the client waits for an answer.
    public func removeDecoder(
        _ decoder: ByteToMessageHandler<HTTPRequestDecoder>, forwardingTo handler: any ChannelHandler
    ) {
        let pipeline = self
        let removed = self.eventLoop.makePromise(of: Void.self)
        removed.futureResult.assumeIsolated().whenSuccess {
            (try? pipeline.context(handler: handler))?.fireChannelReadComplete()
        }
        removeHandler(decoder, promise: removed)
    }
}
