import NIOCore
import NIOHTTP1
import ServerOperations

/// One plain HTTP/1.1 POST on a fresh connection, within a timeout: how the emulator tells local
/// receivers about messages (``DeliveryHook``) and Verify events (``WebhookDispatcher``).
struct PlainHTTPPost: Sendable {
    let target: DeliveryHook.Target
    let timeout: Duration

    /// Posts `body`; the answer's status, or why there was none.
    func send(
        _ body: ByteBuffer, contentType: String, headers: [(String, String)] = []
    ) async -> DeliveryHook.Outcome {
        let exchange = PlainHTTPExchange(
            method: .POST, host: target.host, port: target.port, path: target.path, authority: target.authority,
            headers: [("Content-Type", contentType), ("User-Agent", "verify-emulator")] + headers, body: body,
            timeout: timeout)
        switch await exchange.send() {
        case .answered(let status, _): return .answered(status: status)
        case .failed(let reason): return .failed(reason)
        }
    }
}
