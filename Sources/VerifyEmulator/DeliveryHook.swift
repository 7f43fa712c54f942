import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Outbound delivery: POSTs each "sent" message as JSON (the control API's message shape) to a
/// configured URL, so another local tool can receive the "SMS". Best effort and in the
/// background: a slow or failing receiver never delays or fails the Verify request; failures
/// are logged.
struct DeliveryHook: Sendable {
    let url: String
    let logger: Logger
    var timeout: TimeAmount = .seconds(5)

    func post(_ message: MessageRecord) {
        let url = self.url
        let logger = self.logger
        let timeout = self.timeout
        Task {
            do {
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "User-Agent", value: "verify-emulator")
                request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(OutboxMessage(message))))
                let response = try await HTTPClient.shared.execute(request, timeout: timeout)
                _ = try await response.body.collect(upTo: 64 * 1024)
                if !(200..<300).contains(response.status.code) {
                    logger.warning("delivery webhook \(url) answered \(response.status.code) for \(message.sid)")
                }
            } catch {
                logger.warning("delivery webhook \(url) failed for \(message.sid): \(error)")
            }
        }
    }
}
