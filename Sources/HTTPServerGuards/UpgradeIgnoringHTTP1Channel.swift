public import HummingbirdCore
public import Logging
public import NIOCore
import NIOHTTP1
public import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's `HTTP1Channel`, the same pipeline in the same order, with NIO's HTTP/1 codec
/// set up by ``ChannelPipeline/SynchronousOperations/addHTTP1ServerHandlers(position:decoderLimits:includesConnect:)``,
/// so a request asking for an upgrade (`Upgrade: h2c`, as the JDK's `HttpClient` sends on every
/// call) is answered over HTTP/1.1 and the connection keeps serving.
///
/// ```swift
/// Application(router: router, server: .upgradeIgnoringHTTP1(configuration: .init(idleTimeout: .seconds(60))))
/// ```
public struct UpgradeIgnoringHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    public typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    public let responder: HTTPChannelHandler.Responder
    public let configuration: HTTP1Channel.Configuration

    public init(responder: @escaping HTTPChannelHandler.Responder, configuration: HTTP1Channel.Configuration) {
        self.responder = responder
        self.configuration = configuration
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = configuration.httpDecoder.maxHeaderFieldSize
            limits.maxHeaderListSize = configuration.httpDecoder.maxHeaderListSize
            limits.maxHeaderFieldCount = configuration.httpDecoder.maxHeaderFieldCount
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHTTP1ServerHandlers(decoderLimits: limits)
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandlers(configuration.additionalChannelHandlers())
            try pipeline.addHandler(
                HTTPConnectionStateHandler(idleTimeout: configuration.idleTimeout.map { .init($0) }, logger: logger))
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    public func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// An HTTP/1 server that answers upgrade requests over HTTP/1.1 and keeps serving the
    /// connection (see ``UpgradeIgnoringHTTP1Channel``).
    public static func upgradeIgnoringHTTP1(configuration: HTTP1Channel.Configuration) -> HTTPServerBuilder {
        .init { responder in UpgradeIgnoringHTTP1Channel(responder: responder, configuration: configuration) }
    }
}
