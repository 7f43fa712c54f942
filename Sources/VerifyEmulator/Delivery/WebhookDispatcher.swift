import Crypto
import Logging
import NIOCore
import Synchronization
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Tells a service's webhooks about factor and challenge events, as Twilio does: a form-encoded
/// POST of `uuid`, `type`, `account_sid`, `service_sid`, `entity_identity`, `factor_sid`,
/// `factor_type` (v2) and `challenge_sid`, signed in `X-Twilio-Signature` with the account's auth
/// token, so a receiver using an official SDK's `RequestValidator` accepts it.
///
/// Delivery is in the background and never fails the API call: a receiver that does not answer
/// 2xx is tried again twice (after 0.5 s and 2 s), every outcome is logged and kept for the
/// control API (`GET /emulator/v1/webhooks`).
final class WebhookDispatcher: Sendable {
    /// One event, as the webhook receives it.
    struct Event: Sendable {
        var type: WebhookEvent
        var accountSid: String
        var serviceSid: String
        var identity: String
        var factorSid: String
        var factorType: FactorType
        var challengeSid: String?
    }

    /// One delivery as the control API shows it.
    struct Delivery: Codable, Sendable, Equatable {
        var webhookSid: String
        var url: String
        var type: String
        var parameters: [String: String]
        var signature: String
        /// The last answer's status, or nil when none came.
        var status: Int?
        var error: String?
        var attempts: Int
        var date: String

        enum CodingKeys: String, CodingKey {
            case url, type, parameters, signature, status, error, attempts, date
            case webhookSid = "webhook_sid"
        }
    }

    let webhooks: WebhookStore
    let directory: AccountDirectory
    let clock: EmulatorClock
    let logger: Logger
    let retryDelays: [Duration]
    private let deliveries = Mutex<[Delivery]>([])
    static let kept = 200

    init(
        webhooks: WebhookStore, directory: AccountDirectory, clock: EmulatorClock, logger: Logger,
        retryDelays: [Duration] = [.milliseconds(500), .seconds(2)]
    ) {
        self.webhooks = webhooks
        self.directory = directory
        self.clock = clock
        self.logger = logger
        self.retryDelays = retryDelays
    }

    /// Delivers `event` to every subscribed webhook, in the background.
    func emit(_ event: Event) {
        Task { await deliver(event) }
    }

    /// Delivers `event` to every subscribed webhook; returns when all have answered or given up.
    func deliver(_ event: Event) async {
        guard let subscribers = try? await webhooks.subscribers(service: event.serviceSid, event: event.type),
            let token = directory.authToken(of: event.accountSid)
        else { return }
        await withTaskGroup(of: Void.self) { group in
            for webhook in subscribers {
                group.addTask { await self.deliver(event, to: webhook, authToken: token) }
            }
        }
    }

    private func deliver(_ event: Event, to webhook: WebhookRecord, authToken: String) async {
        var parameters: [(String, String)] = [
            ("uuid", UUID().uuidString.lowercased()), ("type", event.type.rawValue), ("account_sid", event.accountSid),
            ("service_sid", event.serviceSid), ("entity_identity", event.identity), ("factor_sid", event.factorSid),
        ]
        if webhook.version == .v2 { parameters.append(("factor_type", event.factorType.rawValue)) }
        if let challenge = event.challengeSid { parameters.append(("challenge_sid", challenge)) }
        let signature = Self.signature(url: webhook.webhookUrl, parameters: parameters, authToken: authToken)
        let body = FormData(parameters.map { (name: $0.0, value: $0.1) }).encoded
        var outcome = DeliveryHook.Outcome.failed("not sent")
        var attempts = 0
        if case .success(let target) = DeliveryHook.parse(webhook.webhookUrl) {
            let post = PlainHTTPPost(target: target, timeout: .seconds(5))
            for delay in [Duration.zero] + retryDelays {
                if delay > .zero { try? await Task.sleep(for: delay) }
                attempts += 1
                outcome = await post.send(
                    ByteBuffer(string: body), contentType: "application/x-www-form-urlencoded",
                    headers: [("X-Twilio-Signature", signature), ("I-Twilio-Idempotency-Token", parameters[0].1)])
                if case .answered(let status) = outcome, (200..<300).contains(status) { break }
            }
        }
        var delivery = Delivery(
            webhookSid: webhook.sid, url: webhook.webhookUrl, type: event.type.rawValue,
            parameters: Dictionary(parameters, uniquingKeysWith: { first, _ in first }), signature: signature,
            status: nil, error: nil, attempts: attempts, date: TwilioDate.format(clock.now()))
        switch outcome {
        case .answered(let status):
            delivery.status = status
            if !(200..<300).contains(status) {
                logger.warning(
                    "webhook \(webhook.sid) \(webhook.webhookUrl) answered \(status) to \(event.type.rawValue)")
            }
        case .failed(let reason):
            delivery.error = reason
            logger.warning("webhook \(webhook.sid) \(webhook.webhookUrl) failed for \(event.type.rawValue): \(reason)")
        }
        deliveries.withLock { list in
            list.append(delivery)
            if list.count > Self.kept { list.removeFirst(list.count - Self.kept) }
        }
    }

    /// The deliveries so far, newest first.
    func recent(limit: Int) -> [Delivery] {
        deliveries.withLock { Array($0.reversed().prefix(limit)) }
    }

    func clear() { deliveries.withLock { $0.removeAll() } }

    /// Twilio's request signature: base64 of HMAC-SHA1, keyed with the auth token, over the full
    /// URL followed by every POST parameter's name and value, sorted by name.
    static func signature(url: String, parameters: [(String, String)], authToken: String) -> String {
        let text = parameters.sorted { $0.0 < $1.0 }.reduce(url) { $0 + $1.0 + $1.1 }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Data(text.utf8), using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }
}
