import GRDB
import Hummingbird
import Mustache
import NIOCore
import ServiceLifecycle
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The live inbox at `/`: a phone per recipient with every "sent" code as it arrives (over
/// server-sent events, no reload), the services with their pending verifications and time
/// left, the TOTP factors' current codes, pending push challenges (with Approve and Deny for
/// virtual devices, and a form to enrol one), and the emulator clock. Server-rendered with Mustache; a little plain JavaScript keeps
/// it live. Meant to sit on a projector during a demo.
struct InboxPage: Sendable {
    let writer: any DatabaseWriter
    let clock: EmulatorClock
    let feed: MessageFeed

    /// Parsed on the first page view, once per process: parsing it and the OpenAPI description
    /// were a third of the emulator's start-up (README, Performance), and most emulators (a
    /// test suite's, a CI job's) never show the page. A test renders it, so a broken template
    /// fails the suite, not a user's first view.
    private static let template = Result { try MustacheTemplate(string: html) }

    init(writer: any DatabaseWriter, clock: EmulatorClock, feed: MessageFeed) {
        self.writer = writer
        self.clock = clock
        self.feed = feed
    }

    func addRoutes(to router: Router<EmulatorRequestContext>) {
        router.get("/", use: page)
        router.get("/emulator/v1/events", use: events)
    }

    // MARK: Page

    struct Bubble {
        var verificationSid: String
        var body: String
        var code: String
        var channel: String
        var time: String
    }
    struct Phone {
        var to: String
        var bubbles: [Bubble]
    }
    struct Pending {
        var sid: String
        var to: String
        var channel: String
        var code: String
        var expiresAtMs: Int64
        var timeLeft: String
    }
    struct ServiceBox {
        var sid: String
        var name: String
        var pending: [Pending]
        var hasPending: Bool
    }
    /// A TOTP factor as an authenticator app shows it.
    struct Authenticator {
        var identity: String
        var name: String
        var code: String
        var verified: Bool
        /// When the code's time step ends, in epoch milliseconds of the emulator clock.
        var stepEndsMs: Int64
        var secondsLeft: Int
    }
    /// A pending push challenge as the phone would show it.
    struct PushItem {
        var sid: String
        var identity: String
        var message: String
        /// "label: value" pairs, joined; empty when there are none.
        var fields: String
        var hasFields: Bool
        var expiresAtMs: Int64
        var timeLeft: String
        var virtualDevice: Bool
    }
    struct Page {
        var clock: String
        var clockMs: Int64
        var frozen: Bool
        var phones: [Phone]
        var hasPhones: Bool
        var services: [ServiceBox]
        var factors: [Authenticator]
        var hasFactors: Bool
        var pushChallenges: [PushItem]
        var hasPushChallenges: Bool
    }

    @Sendable func page(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let now = clock.now()
        let nowMs = now.epochMilliseconds
        let data = try await writer.read { db in
            let messages = try MessageRecord.fetchAll(
                db,
                sql: MessageRecord.selectSQL + " WHERE " + WithheldDeliveries.delivered()
                    + " ORDER BY id DESC LIMIT 300")
            var order: [String] = []
            var byRecipient: [String: [Bubble]] = [:]
            for message in messages {
                if byRecipient[message.toAddress] == nil { order.append(message.toAddress) }
                if byRecipient[message.toAddress, default: []].count < 20 {
                    byRecipient[message.toAddress, default: []].append(
                        Bubble(
                            verificationSid: message.verificationSid, body: message.body, code: message.code,
                            channel: message.channel.uppercased(),
                            time: Self.time(message.createdAt)))
                }
            }
            let phones = order.prefix(24).map { Phone(to: $0, bubbles: byRecipient[$0] ?? []) }

            let services = try Row.fetchAll(db, sql: "SELECT id, sid, friendly_name FROM service ORDER BY id")
            var boxes: [ServiceBox] = []
            for service in services {
                let pending = try VerificationRecord.fetchAll(
                    db,
                    sql: VerificationRecord.selectSQL
                        + " WHERE service_id = ? AND status = 'pending' AND expires_at > ? ORDER BY id DESC LIMIT 20",
                    arguments: [service[0], nowMs]
                ).map {
                    Pending(
                        sid: $0.sid, to: $0.toAddress, channel: $0.channel, code: $0.code, expiresAtMs: $0.expiresAt,
                        timeLeft: Self.timeLeft($0.expiresAt - nowMs))
                }
                boxes.append(
                    ServiceBox(sid: service[1], name: service[2], pending: pending, hasPending: !pending.isEmpty))
            }
            let factors = try FactorSummary.list(db, now: nowMs, limit: 50).map { factor in
                Authenticator(
                    identity: factor.identity, name: factor.friendlyName, code: factor.code,
                    verified: factor.status == .verified, stepEndsMs: nowMs + Int64(factor.secondsLeft) * 1000,
                    secondsLeft: factor.secondsLeft)
            }
            let push = try PushChallengeSummary.list(db, now: nowMs, status: .pending, limit: 50).map { challenge in
                let expiresAt = TwilioDate.parse(challenge.expirationDate)?.epochMilliseconds ?? nowMs
                return PushItem(
                    sid: challenge.sid, identity: challenge.identity, message: challenge.message,
                    fields: challenge.fields.map { "\($0.label): \($0.value)" }.joined(separator: " · "),
                    hasFields: !challenge.fields.isEmpty,
                    expiresAtMs: expiresAt, timeLeft: Self.timeLeft(expiresAt - nowMs),
                    virtualDevice: challenge.virtualDevice)
            }
            return (phones, boxes, factors, push)
        }
        let page = Page(
            clock: TwilioDate.format(now), clockMs: nowMs, frozen: clock.isFrozen, phones: data.0,
            hasPhones: !data.0.isEmpty, services: data.1, factors: data.2, hasFactors: !data.2.isEmpty,
            pushChallenges: data.3, hasPushChallenges: !data.3.isEmpty)
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        headers[.contentSecurityPolicy] =
            "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'; connect-src 'self'"
        return Response(
            status: .ok, headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: try Self.template.get().render(page))))
    }

    static func time(_ epochMs: Int64) -> String {
        let text = TwilioDate.format(epochSeconds: epochMs / 1000)
        return String(text.dropFirst(11).prefix(8))
    }

    static func timeLeft(_ ms: Int64) -> String {
        let seconds = max(0, (ms + 999) / 1000)
        return "\(seconds / 60):" + (seconds % 60 < 10 ? "0" : "") + "\(seconds % 60)"
    }

    // MARK: Events

    /// `GET /emulator/v1/events`: server-sent events. `message` carries each delivered message
    /// (as `/emulator/v1/messages` shows it); `clock` carries the emulator clock every second.
    @Sendable func events(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let stream = feed.subscribe()
        let clock = self.clock
        var headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-store"]
        headers[.connection] = "keep-alive"
        return Response(
            status: .ok, headers: headers,
            body: .init { writer in
                let (events, continuation) = AsyncStream.makeStream(of: String.self)
                let pump = Task {
                    await withTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await message in stream {
                                let json = (try? JSONEncoder().encode(OutboxMessage(message))).map {
                                    String(decoding: $0, as: UTF8.self)
                                }
                                if let json { continuation.yield("event: message\ndata: \(json)\n\n") }
                            }
                        }
                        group.addTask {
                            while !Task.isCancelled {
                                let now = clock.now()
                                continuation.yield(
                                    "event: clock\ndata: {\"now\":\"\(TwilioDate.format(now))\",\"epoch_ms\":\(now.epochMilliseconds),\"frozen\":\(clock.isFrozen)}\n\n"
                                )
                                try? await Task.sleep(for: .seconds(1))
                            }
                        }
                        await group.next()
                        group.cancelAll()
                    }
                    continuation.finish()
                }
                defer { pump.cancel() }
                // End with the server: an open stream must not hold up a graceful shutdown.
                try await withGracefulShutdownHandler {
                    for await event in events {
                        try await writer.write(ByteBuffer(string: event))
                    }
                } onGracefulShutdown: {
                    continuation.finish()
                }
                try await writer.finish(nil)
            })
    }
}
