#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where security events are posted as Standard Webhooks, signed with a `whsec_` secret:
///
/// ```
/// WEBHOOK_URL=https://app.example.com/hooks/auth
/// WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
/// WEBHOOK_EVENTS=login.succeeded,account.deleted   # every event when unset
/// ```
public struct WebhookSettings: Sendable, Equatable {
    public var url: String
    /// The signing key: the bytes the `whsec_` secret's base64 stands for.
    public var key: [UInt8]
    /// The event types posted; nil for every type.
    var events: Set<AuditEventType>?
    /// The waits before each retry of a failed delivery, in seconds; after the last, it is
    /// given up (and shown as failed in the admin API).
    public var retryDelays: [Double] = [5, 300, 1800, 7200, 18_000, 36_000, 36_000]
    /// How long one attempt may take, connecting included (a refused connection is retried by
    /// the HTTP client's pool until then).
    public var timeout: Duration = .seconds(10)

    /// Whether events of `type` are posted.
    func wants(_ type: AuditEventType) -> Bool { events?.contains(type) ?? true }

    /// Reads the settings; nil without `WEBHOOK_URL`. `development` allows `http://` without the
    /// caller's warning.
    static func read(_ value: (String) -> String?) throws(AuthConfiguration.Invalid) -> WebhookSettings? {
        guard let url = value("WEBHOOK_URL") else {
            if value("WEBHOOK_SECRET") != nil || value("WEBHOOK_EVENTS") != nil {
                throw AuthConfiguration.Invalid(
                    setting: "WEBHOOK_URL", problem: "is required with WEBHOOK_SECRET and WEBHOOK_EVENTS")
            }
            return nil
        }
        guard let parsed = URL(string: url), ["https", "http"].contains(parsed.scheme), parsed.host != nil,
            parsed.host?.isEmpty == false
        else {
            throw AuthConfiguration.Invalid(setting: "WEBHOOK_URL", problem: "must be an https:// (or http://) URL")
        }
        guard let secret = value("WEBHOOK_SECRET") else {
            throw AuthConfiguration.Invalid(setting: "WEBHOOK_SECRET", problem: "is required with WEBHOOK_URL")
        }
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))),
            (24...64).contains(key.count)
        else {
            throw AuthConfiguration.Invalid(
                setting: "WEBHOOK_SECRET",
                problem: "must be whsec_ followed by the base64 of 24 to 64 random bytes (openssl rand -base64 32)")
        }
        var settings = WebhookSettings(url: url, key: Array(key))
        if let text = value("WEBHOOK_EVENTS"), text != "*" {
            var events = Set<AuditEventType>()
            for item in text.split(separator: ",") {
                let name = String(item.trimmingWhitespace())
                guard let type = AuditEventType(rawValue: name) else {
                    throw AuthConfiguration.Invalid(
                        setting: "WEBHOOK_EVENTS",
                        problem:
                            "'\(name)' is not an event type; use some of \(AuditEventType.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                events.insert(type)
            }
            settings.events = events
        }
        return settings
    }

    public init(url: String, key: [UInt8]) {
        self.url = url
        self.key = key
    }

    static let settingNames = ["WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_EVENTS"]
}
