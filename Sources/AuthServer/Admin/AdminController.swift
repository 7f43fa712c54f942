import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The admin API under `/api/admin/`, behind ``AdminAuthenticator`` (`ADMIN_TOKEN`): find and
/// show accounts, disable and enable them, end their sessions, remove their second factors,
/// delete them; register and remove OpenID Connect clients; read the audit log and the webhook
/// deliveries. Every change is recorded in the audit log as an admin's.
struct AdminController: Sendable {
    let admin: AdminService
    let service: AccountService
    let outbox: WebhookOutbox
    /// The OpenID Connect clients; nil when the server is no provider (`ISSUER` unset).
    let clients: OAuthClientRegistry?

    func addRoutes(to admin: RouterGroup<AuthRequestContext>) {
        admin.get("/accounts", use: search)
        admin.get("/accounts/:id", use: show)
        admin.post("/accounts/:id/disable") { request, context in try await setDisabled(true, context) }
        admin.post("/accounts/:id/enable") { request, context in try await setDisabled(false, context) }
        admin.delete("/accounts/:id", use: delete)
        admin.delete("/accounts/:id/sessions", use: endSessions)
        admin.delete("/accounts/:id/factors", use: removeFactors)
        admin.get("/audit", use: audit)
        admin.get("/webhooks", use: webhooks)
        addClientRoutes(to: admin)
    }

    /// `GET /api/admin/accounts?q=alice&limit=50`: username, email or phone containing `q`.
    @Sendable func search(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let text = query["q"].map(String.init) ?? ""
        let limit = try Self.limit(query["limit"], default: 50)
        let found = try await admin.search(text, limit: limit)
        return try JSONResponse.uncached(AdminAccountList(accounts: found.map(AdminAccount.init)))
    }

    @Sendable func show(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let account = try await account(context)
        var shown = AdminAccount(account)
        shown.passkeys = try await service.factors.passkeys(accountID: account.id).map {
            AdminPasskey(factorSid: $0.factorSid, name: $0.name, createdAt: $0.createdAt)
        }
        shown.recoveryCodesLeft = try await service.factors.unusedRecoveryCodes(accountID: account.id)
        shown.sessions = try await service.deviceSessions.list(subject: account.sid, current: nil)
        return try JSONResponse.uncached(shown)
    }

    private func setDisabled(_ disabled: Bool, _ context: AuthRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let account = try await admin.setDisabled(id, disabled: disabled, actor: .admin) else {
            throw Self.unknown(id)
        }
        return try JSONResponse.uncached(AdminAccount(account))
    }

    @Sendable func delete(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let account = try await account(context)
        guard try await service.erase(account, actor: .admin) else { throw Self.unknown(account.sid) }
        return try JSONResponse.make(MessageBody("Account \(account.sid) deleted"))
    }

    @Sendable func endSessions(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let ended = try await admin.endSessions(try await account(context), actor: .admin)
        return try JSONResponse.make(AdminSessionsEnded(ended: ended))
    }

    @Sendable func removeFactors(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let removed = try await service.removeAllFactors(try await account(context), actor: .admin)
        return try JSONResponse.make(AdminFactorsRemoved(removed: removed))
    }

    /// `GET /api/admin/audit?subject=&type=a,b&since=&until=&before=&limit=`, newest first.
    @Sendable func audit(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var filter = AuditFilter()
        filter.subject = query["subject"].map(String.init)
        if let types = query["type"] {
            filter.types = try types.split(separator: ",").map { name in
                guard let type = AuditEventType(rawValue: String(name)) else {
                    throw APIError.badRequest(
                        "type: '\(name)' is not an event type; use some of \(AuditEventType.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                return type
            }
        }
        filter.since = try Self.time(query["since"], "since")
        filter.until = try Self.time(query["until"], "until")
        if let text = query["before"] {
            guard let before = Int64(text), before > 0 else {
                throw APIError.badRequest("before: '\(text)' is not an event id")
            }
            filter.before = before
        }
        filter.limit = try Self.limit(query["limit"], default: 100)
        let events = try await service.audit.store.list(filter)
        return try JSONResponse.uncached(
            AdminAuditList(events: events, nextBefore: events.count == filter.limit ? events.last?.id : nil))
    }

    /// `GET /api/admin/webhooks?limit=`: the latest messages and what became of them.
    @Sendable func webhooks(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let limit = try Self.limit(request.uri.queryParameters["limit"], default: 50)
        return try JSONResponse.uncached(
            AdminWebhookList(
                configured: service.audit.webhooks != nil, url: service.audit.webhooks?.url,
                deliveries: try await outbox.recent(limit: limit)))
    }

    private func account(_ context: AuthRequestContext) async throws -> UserAccount {
        let id = try context.parameters.require("id")
        guard let account = try await admin.find(id) else { throw Self.unknown(id) }
        return account
    }

    private static func unknown(_ id: String) -> APIError {
        APIError(status: .notFound, message: "No account \(id)")
    }

    /// `limit`: 1 to 500.
    static func limit(_ text: Substring?, default fallback: Int) throws -> Int {
        guard let text else { return fallback }
        guard let limit = Int(text), (1...500).contains(limit) else {
            throw APIError.badRequest("limit: '\(text)' is not a whole number from 1 to 500")
        }
        return limit
    }

    /// A time as Unix seconds or ISO 8601 (`2026-12-06T20:00:00Z`).
    static func time(_ text: Substring?, _ name: String) throws -> Date? {
        guard let text else { return nil }
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 { return Date(timeIntervalSince1970: seconds) }
        if let date = try? Date.ISO8601FormatStyle().parse(String(text)) { return date }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(String(text)) {
            return date
        }
        throw APIError.badRequest(
            "\(name): '\(text)' is not a time (Unix seconds, or ISO 8601 as 2026-12-06T20:00:00Z)")
    }
}
