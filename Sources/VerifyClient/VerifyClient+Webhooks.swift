import NIOHTTP1
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A service's webhooks: where Twilio POSTs factor and challenge events (a push approval, say),
/// so an app need not poll.
///
/// ```swift
/// let hook = try await client.createWebhook(
///     serviceSid: "VA…", friendlyName: "logins", url: "https://app.example.com/verify-events",
///     events: [.challengeApproved, .challengeDenied])
/// ```
extension VerifyClient {
    /// Settable webhook fields for an update; nil ones are not sent.
    public struct WebhookChanges: Sendable {
        public var friendlyName: String?
        public var events: [WebhookEvent]?
        public var url: String?
        public var status: WebhookStatus?
        public var version: WebhookVersion?

        public init(
            friendlyName: String? = nil, events: [WebhookEvent]? = nil, url: String? = nil,
            status: WebhookStatus? = nil, version: WebhookVersion? = nil
        ) {
            self.friendlyName = friendlyName
            self.events = events
            self.url = url
            self.status = status
            self.version = version
        }

        var form: FormData {
            var form = FormData()
            if let friendlyName { form.append("FriendlyName", friendlyName) }
            for event in events ?? [] { form.append("EventTypes", event.rawValue) }
            if let url { form.append("WebhookUrl", url) }
            if let status { form.append("Status", status.rawValue) }
            if let version { form.append("Version", version.rawValue) }
            return form
        }
    }

    /// A webhook for `events` (every event when `events` is empty: Twilio's `*`).
    public func createWebhook(
        serviceSid: String, friendlyName: String, url: String, events: [WebhookEvent] = [],
        status: WebhookStatus? = nil, version: WebhookVersion? = nil
    ) async throws -> WebhookResource {
        var form = WebhookChanges(friendlyName: friendlyName, url: url, status: status, version: version).form
        if events.isEmpty {
            form.append("EventTypes", "*")
        } else {
            for event in events { form.append("EventTypes", event.rawValue) }
        }
        return try await send(.POST, "/v2/Services/\(serviceSid)/Webhooks", form: form)
    }

    public func fetchWebhook(serviceSid: String, sid: String) async throws -> WebhookResource {
        try await send(.GET, "/v2/Services/\(serviceSid)/Webhooks/\(sid)")
    }

    public func updateWebhook(
        serviceSid: String, sid: String, _ changes: WebhookChanges
    ) async throws -> WebhookResource {
        try await send(.POST, "/v2/Services/\(serviceSid)/Webhooks/\(sid)", form: changes.form)
    }

    public func listWebhooks(serviceSid: String) async throws -> [WebhookResource] {
        try await listAll("/v2/Services/\(serviceSid)/Webhooks", pageSize: 50)
    }

    public func deleteWebhook(serviceSid: String, sid: String) async throws {
        try await sendWithoutBody(.DELETE, "/v2/Services/\(serviceSid)/Webhooks/\(sid)")
    }
}
