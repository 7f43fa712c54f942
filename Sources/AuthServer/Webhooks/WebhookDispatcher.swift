import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Posts the outbox's messages (``WebhookOutbox``) to `WEBHOOK_URL` as Standard Webhooks
/// (`webhook-id`, `webhook-timestamp`, `webhook-signature`), at once when this replica enqueued
/// one and every `poll` for the others' and for retries. A 2xx answer delivers a message; any
/// other answer, a timeout or a refused connection retries it after the next of
/// ``WebhookSettings/retryDelays``, then gives it up. Redirects are not followed: the receiver
/// is exactly the configured URL.
struct WebhookDispatcher: Service {
    let settings: WebhookSettings
    let outbox: WebhookOutbox
    let wake: WebhookWake
    let metrics: AuthMetrics
    let logger: Logger
    let now: @Sendable () -> Date
    var poll: Duration = .seconds(2)
    /// How long a claimed message is this replica's before another may try it.
    var lease: TimeInterval = 60

    func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: TimeAmount(settings.timeout), read: TimeAmount(settings.timeout))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        await withDiscardingTaskGroup { group in
            group.addTask { [wake, poll] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: poll)
                    wake.wake()
                }
            }
            try? await cancelWhenGracefulShutdown {
                for await _ in wake.nudges {
                    await deliverDue(client)
                }
            }
            group.cancelAll()
        }
        try? await client.shutdown()
    }

    /// Delivers every message due now, a batch at a time.
    func deliverDue(_ client: HTTPClient) async {
        while !Task.isCancelled {
            let due: [PendingWebhook]
            do {
                due = try await outbox.claimDue(now: now(), lease: lease, limit: 20)
            } catch {
                logger.warning("webhooks: could not read the outbox: \(error)")
                return
            }
            if due.isEmpty { return }
            for message in due { await deliver(message, client) }
        }
    }

    private func deliver(_ message: PendingWebhook, _ client: HTTPClient) async {
        let timestamp = Int(now().timeIntervalSince1970)
        var request = HTTPClientRequest(url: settings.url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "auth-server-webhooks")
        request.headers.add(name: "webhook-id", value: message.messageID)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(
            name: "webhook-signature",
            value: WebhookMessage.signature(
                id: message.messageID, timestamp: timestamp, payload: message.payload, key: settings.key))
        request.body = .bytes(ByteBuffer(string: message.payload))
        var status: Int?
        var problem: String?
        do {
            let response = try await client.execute(request, timeout: TimeAmount(settings.timeout))
            status = Int(response.status.code)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if !(200..<300).contains(status!) { problem = "answered \(status!)" }
        } catch {
            problem = "\(error)"
        }
        let delivered = problem == nil
        let delay = message.attempt - 1 < settings.retryDelays.count ? settings.retryDelays[message.attempt - 1] : nil
        let retryAt = delay.map { now().addingTimeInterval($0) }
        if delivered {
            metrics.webhookAttempt(.delivered)
        } else {
            metrics.webhookAttempt(retryAt == nil ? .givenUp : .failed)
            logger.warning(
                "webhook \(message.messageID) attempt \(message.attempt) to \(settings.url) failed: \(problem!); \(retryAt == nil ? "given up" : "retried in \(Int(delay!)) seconds")"
            )
        }
        do {
            try await outbox.finish(
                message.id, delivered: delivered, status: status, error: problem, retryAt: retryAt, now: now())
        } catch {
            logger.warning("webhooks: could not record the outcome of \(message.messageID): \(error)")
        }
    }
}
