import Foundation
import Testing

@testable import AuthServer

/// The audit log, its webhook outbox and the deletion rule, on each database (``StoreBackend``):
/// an event and its message commit together; two replicas claiming due messages at once never
/// claim one twice; a deleted account leaves nothing of its own behind but its revoked tokens.
@Suite("Auth stores: audit log, webhook outbox, deletion")
struct AuditStoreContractTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("events filter by subject, type, time and id; retention sweeps the old", arguments: StoreBackend.available)
    func events(backend: StoreBackend) async throws {
        try await backend.with { storage in
            let store = AuditStore(database: storage.database)
            let client = SessionClient(ip: "203.0.113.7", userAgent: "Test/1.0")
            for (offset, type) in [AuditEventType.loginFailed, .loginSucceeded, .codeSent, .loginSucceeded].enumerated()
            {
                try await store.record(
                    AuditEvent(
                        type, subject: offset == 2 ? "+15555550100" : "US1", client: client, detail: ["n": "\(offset)"]),
                    now: Self.now.addingTimeInterval(Double(offset * 60)))
            }
            let all = try await store.list(AuditFilter())
            #expect(all.map(\.type) == [.loginSucceeded, .codeSent, .loginSucceeded, .loginFailed])
            #expect(all.first?.ip == "203.0.113.7" && all.first?.userAgent == "Test/1.0" && all.first?.actor == .user)
            #expect(all.first?.detail == ["n": "3"])
            #expect(try await store.list(AuditFilter(subject: "US1")).count == 3)
            #expect(try await store.list(AuditFilter(types: [.loginSucceeded, .codeSent])).count == 3)
            #expect(try await store.list(AuditFilter(since: Self.now.addingTimeInterval(60))).count == 3)
            #expect(try await store.list(AuditFilter(until: Self.now.addingTimeInterval(60))).count == 1)
            #expect(try await store.list(AuditFilter(before: all[1].id, limit: 1)).map(\.id) == [all[2].id])
            try await store.sweep(before: Self.now.addingTimeInterval(120))
            #expect(try await store.list(AuditFilter()).count == 2)
            // a wildcard in a search matches only itself
            _ = try await storage.accounts.create(
                username: "a_b", email: "ab@example.com", passwordHash: "x", now: Self.now)
            _ = try await storage.accounts.create(
                username: "axb", email: "axb@example.com", passwordHash: "x", now: Self.now)
            #expect(try await storage.accounts.search("A_B", limit: 10).map(\.username) == ["a_b"])
            #expect(try await storage.accounts.search("%", limit: 10).isEmpty)
        }
    }

    @Test(
        "a message commits with its event; two replicas claiming at once never claim one twice; outcomes stick",
        arguments: StoreBackend.available)
    func outbox(backend: StoreBackend) async throws {
        try await backend.withReplicas { first, second in
            let store = AuditStore(database: first.database)
            for index in 0..<30 {
                try await store.record(
                    AuditEvent(.loginSucceeded, subject: "US\(index)", client: nil), now: Self.now,
                    toWebhook: index % 3 != 0)
            }
            let outboxes = [WebhookOutbox(database: first.database), WebhookOutbox(database: second.database)]
            let claimed = try await withThrowingTaskGroup(of: [PendingWebhook].self) { group in
                for index in 0..<6 {
                    group.addTask {
                        try await outboxes[index % 2].claimDue(now: Self.now, lease: 60, limit: 5)
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.count == 20)
            #expect(Set(claimed.map(\.messageID)).count == 20)
            #expect(claimed.allSatisfy { $0.attempt == 1 && $0.messageID.hasPrefix("msg_") })
            // claimed: not due again until the lease ends
            #expect(try await outboxes[0].claimDue(now: Self.now.addingTimeInterval(59), lease: 60, limit: 50).isEmpty)
            let body = try JSONSerialization.jsonObject(with: Data(claimed[0].payload.utf8)) as? [String: Any]
            #expect(body?["type"] as? String == "login.succeeded")
            #expect((body?["data"] as? [String: Any])?["subject"] as? String != nil)

            try await outboxes[0].finish(
                claimed[0].id, delivered: true, status: 204, error: nil, retryAt: nil, now: Self.now)
            try await outboxes[1].finish(
                claimed[1].id, delivered: false, status: 500, error: "answered 500",
                retryAt: Self.now.addingTimeInterval(5), now: Self.now)
            try await outboxes[1].finish(
                claimed[2].id, delivered: false, status: nil, error: "refused", retryAt: nil, now: Self.now)
            let again = try await outboxes[0].claimDue(now: Self.now.addingTimeInterval(6), lease: 60, limit: 50)
            #expect(again.map(\.id) == [claimed[1].id] && again.first?.attempt == 2)
            let recent = Dictionary(
                uniqueKeysWithValues: try await outboxes[1].recent(limit: 50).map { ($0.messageID, $0) })
            #expect(recent[claimed[0].messageID]?.status == .delivered)
            #expect(
                recent[claimed[2].messageID]?.status == .failed && recent[claimed[2].messageID]?.lastError == "refused")
            #expect(recent[claimed[1].messageID]?.status == .pending)
            // settled messages go after their week; pending ones stay
            try await outboxes[0].sweep(before: Self.now.addingTimeInterval(1))
            #expect(try await outboxes[0].recent(limit: 50).count == 18)
        }
    }

    @Test(
        "a deleted account leaves no row of its own; another's stay; its revoked tokens stay revoked",
        arguments: StoreBackend.available)
    func deletion(backend: StoreBackend) async throws {
        try await backend.with { storage in
            let accounts = storage.accounts
            let kept = try await accounts.create(
                username: "kept", email: "kept@example.com", passwordHash: "x", now: Self.now)
            let gone = try await accounts.create(
                username: "gone", email: "gone@example.com", passwordHash: "x", now: Self.now)
            for account in [kept, gone] {
                _ = try await storage.factors.enableSMS(
                    accountID: account.id, phone: "+15555550100", recoveryCodes: ["aaaa-bbbb-cccc"], now: Self.now)
                try await storage.factors.addPasskey(
                    accountID: account.id, factorSid: "YF\(account.sid.dropFirst(2))", name: "key", now: Self.now)
                _ = try await storage.refreshTokens.startFamily(subject: account.sid, now: Self.now, lifetime: 3600)
            }
            let family = try #require(
                try await storage.refreshTokens.sessions(subject: gone.sid, current: nil, now: Self.now).first?.id)
            #expect(try await accounts.delete(gone, now: Self.now))
            #expect(try await accounts.delete(gone, now: Self.now) == false)
            #expect(try await accounts.find(sid: gone.sid) == nil)
            #expect(try await storage.factors.passkeys(accountID: gone.id).isEmpty)
            #expect(try await storage.factors.unusedRecoveryCodes(accountID: gone.id) == 0)
            #expect(try await storage.refreshTokens.sessions(subject: gone.sid, current: nil, now: Self.now).isEmpty)
            #expect(storage.refreshTokens.isRevoked(family: family))
            let revocations = try await storage.refreshTokens.records.revocations(now: Self.now, familyWindow: 3600)
            #expect(revocations.families.contains { $0.0 == family })
            // the other account is untouched
            #expect(try await accounts.find(sid: kept.sid) != nil)
            #expect(try await storage.factors.passkeys(accountID: kept.id).count == 1)
            #expect(try await storage.refreshTokens.sessions(subject: kept.sid, current: nil, now: Self.now).count == 1)

            // a phone login: its families revoked, its device records gone
            _ = try await storage.refreshTokens.startFamily(subject: "+15555550199", now: Self.now, lifetime: 3600)
            try await storage.refreshTokens.deleteSubject("+15555550199", now: Self.now)
            #expect(
                try await storage.refreshTokens.sessions(subject: "+15555550199", current: nil, now: Self.now).isEmpty)
        }
    }
}
