import HTTPServerGuards
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import NIOTLS

/// Lets the emulator's own port act as the HTTPS proxy an app's environment names
/// (`HTTPS_PROXY=http://127.0.0.1:4010`), so an unmodified app reaches the emulator when it
/// calls `https://verify.twilio.com`. It sits between the HTTP/1 decoder and the rest of the
/// pipeline:
///
/// - `CONNECT verify.twilio.com:443`: answered `200`, then the connection's HTTP/1 codec is
///   replaced by TLS with a leaf for that host signed by the local CA, and a new codec inside
///   it; the requests in the tunnel reach the same application as any other.
/// - A request in absolute form (`GET http://verify.twilio.com/v2/...`): passed on with its
///   `Host` set from the URL and its `Proxy-*` fields removed.
/// - Either one naming a host outside `twilio.com`: `403` naming the host, and the connection is
///   closed. Nothing is ever forwarded to the network.
///
/// On the TLS listener it only reports handshakes that fail, with the way to trust the CA.
final class TwilioProxyGate: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    enum Mode {
        /// The plain listener: proxy requests are accepted.
        case proxy
        /// The TLS listener for these names: TLS starts at once.
        case tls(String)
    }

    private enum State {
        case plain
        /// A refused request was answered; the rest of it is dropped until the connection closes.
        case refused
        /// `CONNECT` to this host accepted; the tunnel opens at its `.end`, after which the old
        /// decoder parses nothing more.
        case tunnelOpening(TwilioHostName, HTTPVersion)
        /// TLS for `host`, handshake done or not.
        case tls(host: String, handshakeDone: Bool)
    }

    private let certificates: TwilioCertificates
    private let logger: Logger
    private let decoderLimits: NIOHTTPDecoderLimitConfiguration
    private var state: State

    init(mode: Mode, certificates: TwilioCertificates, decoderLimits: NIOHTTPDecoderLimitConfiguration, logger: Logger)
    {
        self.certificates = certificates
        self.decoderLimits = decoderLimits
        self.logger = logger
        switch mode {
        case .proxy: state = .plain
        case .tls(let host): state = .tls(host: host, handshakeDone: false)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch state {
        case .refused:
            return
        case .tunnelOpening(let host, let version):
            if case .end = part { openTunnel(context, to: host, version: version) }
            return
        case .tls(_, handshakeDone: false):
            return
        case .plain, .tls:
            break
        }
        guard case .head(var head) = part, case .plain = state else {
            context.fireChannelRead(data)
            return
        }
        if head.method == .CONNECT {
            guard let host = TwilioHostName(head.uri) else {
                return refuse(context, target: head.uri, method: "CONNECT")
            }
            state = .tunnelOpening(host, head.version)
            return
        }
        if let authority = Self.absoluteFormAuthority(head.uri) {
            guard TwilioHostName(authority) != nil else {
                return refuse(context, target: authority, method: "\(head.method)")
            }
            head.headers.replaceOrAdd(name: "Host", value: authority)
            head.headers.remove(name: "Proxy-Connection")
            head.headers.remove(name: "Proxy-Authorization")
            context.fireChannelRead(wrapInboundOut(.head(head)))
            return
        }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .tls(let host, false) = state, let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            state = .tls(host: host, handshakeDone: true)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .tls(let host, false) = state, error is NIOSSLError || error is BoringSSLError {
            logHandshakeFailure(host: host, error: error, peer: context.channel.remoteAddress)
            context.close(promise: nil)
            return
        }
        context.fireErrorCaught(error)
    }

    /// The authority of an absolute-form request target (`http://host[:port]/path`), or nil for
    /// the origin form every direct request uses.
    static func absoluteFormAuthority(_ uri: String) -> String? {
        let lowered = uri.prefix(8).lowercased()
        let rest: Substring
        if lowered.hasPrefix("http://") {
            rest = uri.dropFirst(7)
        } else if lowered.hasPrefix("https://") {
            rest = uri.dropFirst(8)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return authority.isEmpty ? nil : String(authority.split(separator: "@").last ?? authority)
    }

    private func refuse(_ context: ChannelHandlerContext, target: String, method: String) {
        state = .refused
        let reason =
            "verify-emulator: refused \(method) \(target): it answers only twilio.com and its subdomains and forwards nothing to the network"
        logger.warning(
            "proxy request refused", metadata: ["target": "\(target)", "method": "\(method)", "reason": "\(reason)"])
        // written raw, past the encoder, which leaves out the body of any answer to CONNECT
        Self.removeResponseHandlers(context)
        let body = reason + "\n"
        var answer = context.channel.allocator.buffer(capacity: body.utf8.count + 128)
        answer.writeString(
            "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        )
        let channel = context.channel
        context.writeAndFlush(NIOAny(answer)).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Takes the HTTP/1 handlers that see this connection's responses out of the pipeline, so
    /// an answer written raw from here reaches the connection as it is.
    private static func removeResponseHandlers(_ context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        if let encoder = try? pipeline.handler(type: HTTPResponseEncoder.self) {
            pipeline.removeHandler(encoder, promise: nil)
        }
        if let declined = try? pipeline.handler(type: DeclinedUpgradeHandler.self) {
            pipeline.removeHandler(declined, promise: nil)
        }
    }

    /// Answers `200`, swaps the plain HTTP/1 codec for TLS and a codec inside it. The `200` is
    /// written raw, past the encoder: a `2xx` to `CONNECT` carries no framing fields at all
    /// (RFC 9110, 9.3.6).
    private func openTunnel(_ context: ChannelHandlerContext, to host: TwilioHostName, version: HTTPVersion) {
        let sslContext: NIOSSLContext
        do {
            sslContext = try certificates.serverContext(for: host)
        } catch {
            logger.error("cannot make a certificate for \(host): \(error)")
            context.close(promise: nil)
            return
        }
        let pipeline = context.pipeline.syncOperations
        do {
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            Self.removeResponseHandlers(context)
            var established = context.channel.allocator.buffer(capacity: 40)
            established.writeString("HTTP/\(version.major).\(version.minor) 200 Connection established\r\n\r\n")
            context.writeAndFlush(NIOAny(established), promise: nil)
            // TLS right after the old decoder, which forwards to it any bytes of the handshake
            // that came with the CONNECT when it is removed
            let tls = NIOSSLServerHandler(context: sslContext)
            try pipeline.addHandler(tls, position: .after(decoder))
            try pipeline.addHTTP1ServerHandlers(
                position: .after(tls), decoderLimits: decoderLimits, includesConnect: false)
            pipeline.removeDecoder(decoder, forwardingTo: tls)
            state = .tls(host: host.name, handshakeDone: false)
            logger.debug("proxy tunnel opened", metadata: ["host": "\(host)"])
        } catch {
            logger.error("cannot open the tunnel to \(host): \(error)")
            context.close(promise: nil)
        }
    }

    private func logHandshakeFailure(host: String, error: any Error, peer: SocketAddress?) {
        let reasons = Self.reasonNames(in: "\(error)")
        let distrusted = reasons.contains { name in
            ["UNKNOWN_CA", "CERTIFICATE_UNKNOWN", "BAD_CERTIFICATE", "UNSUPPORTED_CERTIFICATE"].contains {
                name.contains($0)
            }
        }
        let summary = reasons.isEmpty ? "\(error)" : reasons.joined(separator: ", ")
        let message =
            distrusted
            ? "TLS handshake for \(host) failed: the client does not trust the emulator's CA (\(summary)); \(certificates.trustAdvice)"
            : "TLS handshake for \(host) failed (\(summary)); if the client does not trust the emulator's CA, \(certificates.trustAdvice)"
        logger.warning("\(message)", metadata: ["host": "\(host)", "peer": "\(peer.map { "\($0)" } ?? "?")"])
    }

    /// BoringSSL's reason names in an error's text (`...:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA`).
    static func reasonNames(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let marker = rest.firstRange(of: "OPENSSL_internal:") {
            let name = rest[marker.upperBound...].prefix { $0.isUppercase || $0.isNumber || $0 == "_" }
            if !name.isEmpty, !names.contains(String(name)) { names.append(String(name)) }
            rest = rest[marker.upperBound...]
        }
        return names
    }
}
