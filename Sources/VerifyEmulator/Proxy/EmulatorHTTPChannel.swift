import HTTPServerGuards
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOSSL

/// Hummingbird's HTTP/1 child channel with ``TwilioProxyGate`` between the HTTP/1 decoder and
/// the conversion to HTTP types, which must see a request's target before that conversion drops
/// the absolute form, and which replaces the codec when a `CONNECT` tunnel opens. On the TLS
/// listener the connection starts with TLS.
///
/// The rest of the pipeline is Hummingbird's own `HTTP1Channel`'s, in its order.
struct EmulatorHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    enum Listener: Sendable {
        /// Plain HTTP, which also serves as the proxy for `*.twilio.com`.
        case plain
        /// TLS with the listener's `*.twilio.com` certificate.
        case tls
    }

    let responder: HTTPChannelHandler.Responder
    let listener: Listener
    let certificates: TwilioCertificates
    let additionalChannelHandlers: @Sendable () -> [any RemovableChannelHandler]
    let idleTimeout: TimeAmount?
    let proxyLogger: Logger

    static let decoderLimits: NIOHTTPDecoderLimitConfiguration = {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = 80 * 1024
        limits.maxHeaderListSize = 80 * 1024
        limits.maxHeaderFieldCount = 1000
        return limits
    }()

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            let mode: TwilioProxyGate.Mode
            switch listener {
            case .plain:
                mode = .proxy
            case .tls:
                try pipeline.addHandler(NIOSSLServerHandler(context: try certificates.listenerContext()))
                mode = .tls("verify.twilio.com")
            }
            // CONNECT is the gate's: it opens a tunnel or refuses
            try pipeline.addHTTP1ServerHandlers(decoderLimits: Self.decoderLimits, includesConnect: false)
            try pipeline.addHandler(
                TwilioProxyGate(
                    mode: mode, certificates: certificates, decoderLimits: Self.decoderLimits, logger: proxyLogger))
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: listener == .tls))
            try pipeline.addHandlers(additionalChannelHandlers())
            try pipeline.addHandler(
                HTTPConnectionStateHandler(idleTimeout: idleTimeout.map { .init($0) }, logger: logger))
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// The emulator's HTTP/1 server on `listener`, with the proxy gate.
    static func emulator(
        listener: EmulatorHTTPChannel.Listener, certificates: TwilioCertificates,
        additionalChannelHandlers: @escaping @Sendable () -> [any RemovableChannelHandler],
        idleTimeout: TimeAmount?, logger: Logger
    ) -> HTTPServerBuilder {
        .init { responder in
            EmulatorHTTPChannel(
                responder: responder, listener: listener, certificates: certificates,
                additionalChannelHandlers: additionalChannelHandlers, idleTimeout: idleTimeout, proxyLogger: logger)
        }
    }
}
