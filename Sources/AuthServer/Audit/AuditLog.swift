import Logging
import VerifyClient
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Records the security events (``AuditEventType``) with when, who and from where, for
/// `GET /api/admin/audit` and the profile page, and puts each one the webhook wants in its
/// outbox in the same transaction (``WebhookDispatcher`` posts it after the commit, never on
/// the request's time). Events older than `AUDIT_RETENTION` days are swept.
///
/// A failure to record is logged and counted (`auth_server_audit_failures_total`), never the
/// request's failure: the change it describes has already been made.
///
/// ```swift
/// await audit.record(AuditEvent(.passwordChanged, subject: account.sid, client: client))
/// ```
struct AuditLog: Sendable {
    let store: AuditStore
    /// Group commit of the events recorded at once.
    let batches: GroupCommit<AuditBatchEntry>
    let webhooks: WebhookSettings?
    /// Tells this replica's dispatcher a message is waiting.
    let wake: WebhookWake
    let retention: TimeInterval
    let metrics: AuthMetrics
    let logger: Logger
    let now: @Sendable () -> Date

    /// Records `event`; without a client of its own it gets the request's (``RequestClient``).
    init(
        store: AuditStore, webhooks: WebhookSettings?, wake: WebhookWake, retention: TimeInterval,
        metrics: AuthMetrics, logger: Logger, now: @escaping @Sendable () -> Date
    ) {
        self.store = store
        self.batches = GroupCommit { [store] batch in try await store.record(batch) }
        self.webhooks = webhooks
        self.wake = wake
        self.retention = retention
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    func record(_ event: AuditEvent) async {
        var event = event
        if event.client == nil { event.client = RequestClient.current }
        let posted = webhooks?.wants(event.type) ?? false
        do {
            try await batches.write((event, now(), posted))
            if posted { wake.wake() }
        } catch {
            logger.error("audit: could not record a \(event.type.rawValue) event: \(error)")
            metrics.auditFailed()
        }
    }

    /// `event` as a statement for the caller to write with its own change, so the two commit
    /// together and the event costs no statement of its own (a login's event goes with its
    /// tokens); nil when the webhook wants the event, whose message is made from the stored row:
    /// then the caller records it with ``record(_:)`` once its change is made.
    func insertion(_ event: AuditEvent) -> SQLQuery? {
        guard !(webhooks?.wants(event.type) ?? false) else { return nil }
        var event = event
        if event.client == nil { event.client = RequestClient.current }
        return AuditStore.insertion([(event, now(), false)])
    }

    /// A code by SMS the gate or a limit refused, and why (`reason`: `country`, `breaker`, `limit`).
    func codeRefused(_ refusal: SMSRefusal, subject: String, to phone: String) async {
        await record(
            AuditEvent(
                .codeRefused, subject: subject, detail: ["channel": "sms", "to": phone, "reason": refusal.reason]))
    }

    /// A code by SMS that Verify refused or could not send: `reason` is `twilio_` and Twilio's
    /// error code (`twilio_60203`: too many sends to the number), or `verify_unavailable`.
    func verifyRefused(_ error: VerifyClientError, subject: String, to phone: String) async {
        let reason = if case .twilio(let twilio) = error { "twilio_\(twilio.code)" } else { "verify_unavailable" }
        await record(
            AuditEvent(.codeRefused, subject: subject, detail: ["channel": "sms", "to": phone, "reason": reason]))
    }

    /// Deletes events past retention.
    func sweep() async throws {
        try await store.sweep(before: now().addingTimeInterval(-retention))
    }
}
