#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The security events the audit log keeps and webhooks carry: a closed set, each named as the
/// Standard Webhooks `type` a receiver filters on (`WEBHOOK_EVENTS`).
enum AuditEventType: String, Sendable, CaseIterable, Codable {
    case codeSent = "code.sent"
    /// Not sent: `detail.reason` says why (the gate's `country`, `breaker`, `limit`, or Verify's
    /// own refusal, `twilio_60410`, `verify_unavailable`).
    case codeRefused = "code.refused"
    case loginSucceeded = "login.succeeded"
    /// A wrong password or code, an unknown account, or a limit: `detail.method` and `detail.result`.
    case loginFailed = "login.failed"
    case factorAdded = "factor.added"
    case factorRemoved = "factor.removed"
    case recoveryCodeUsed = "recovery_code.used"
    case passwordChanged = "password.changed"
    case passwordReset = "password.reset"
    /// A device session (refresh family) ended by its user, an admin, or a replayed refresh token.
    case sessionRevoked = "session.revoked"
    case accountCreated = "account.created"
    case accountDisabled = "account.disabled"
    case accountEnabled = "account.enabled"
    case accountDeleted = "account.deleted"
    /// An OpenID Connect client registered through the admin API (`subject`: its client id).
    case clientCreated = "client.created"
    /// An OpenID Connect client removed, and every session it was issued ended.
    case clientDeleted = "client.deleted"
}

/// Who made an event happen: the person themselves (or someone trying to be them), an
/// administrator through the admin API, or the operator's command line.
enum AuditActor: String, Sendable, Codable {
    case user
    case admin
    case command
}

/// One event as it is recorded: what happened, to whom (an account's `US…` sid, or a phone
/// login's number, the `sub` of its tokens), by whom, from where, and a few named details.
///
/// ```swift
/// await audit.record(AuditEvent(.loginSucceeded, subject: account.sid, client: client, detail: ["method": "password"]))
/// ```
struct AuditEvent: Sendable, Equatable {
    var type: AuditEventType
    var subject: String?
    var actor: AuditActor
    var client: SessionClient?
    var detail: [String: String]

    /// `client` nil: the request's (``RequestClient``), if any.
    init(
        _ type: AuditEventType, subject: String?, actor: AuditActor = .user, client: SessionClient? = nil,
        detail: [String: String] = [:]
    ) {
        self.type = type
        self.subject = subject
        self.actor = actor
        self.client = client
        self.detail = detail
    }

    /// The details as stored: a JSON object with sorted keys.
    var detailJSON: String {
        (try? Self.detailEncoder.encode(detail)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// One encoder for every event (a login records two): making one is most of the cost of a
    /// small encoding, and an encoder whose settings do not change may encode from any thread.
    private static let detailEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// A recorded event as the admin API, the profile page and webhooks show it.
struct AuditRecord: Sendable, Equatable, Codable {
    var id: Int64
    var type: AuditEventType
    /// When, in seconds since 1970.
    var at: Double
    var subject: String?
    var actor: AuditActor
    var ip: String?
    var userAgent: String?
    var detail: [String: String]

    enum CodingKeys: String, CodingKey {
        case id, type, at, subject, actor, ip, detail
        case userAgent = "user_agent"
    }

    /// The columns ``init(row:)`` reads, in its order.
    static let columns = "id, type, at, subject, actor, ip, user_agent, detail"

    init(row: SQLRow) throws {
        id = try row.decode(0)
        let typeName: String = try row.decode(1)
        guard let type = AuditEventType(rawValue: typeName) else {
            throw SQLDecodingError(expected: "an audit event type", found: .text(typeName))
        }
        self.type = type
        at = try row.decode(2)
        subject = try row.decode(3)
        let actorName: String = try row.decode(4)
        guard let actor = AuditActor(rawValue: actorName) else {
            throw SQLDecodingError(expected: "an audit actor", found: .text(actorName))
        }
        self.actor = actor
        ip = try row.decode(5)
        userAgent = try row.decode(6)
        let text: String = try row.decode(7)
        detail = (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }
}
