import Foundation
import Testing

@testable import AuthServer

/// ADMIN_TOKEN, AUDIT_RETENTION_DAYS and the webhook settings: read as written, and each mistake
/// stops start-up naming the setting and what to write instead.
@Suite("Auth server: admin, audit and webhook settings")
struct OperatorSettingsTests {
    static let secret = "whsec_" + Data((0..<32).map { UInt8($0) }).base64EncodedString()

    @Test("read as written; unset means no admin API and no webhooks")
    func read() throws {
        var configuration = try AuthConfiguration.fromEnvironment([:])
        #expect(configuration.adminToken == nil && configuration.webhook == nil)
        #expect(configuration.auditRetention == .seconds(90 * 86_400))
        configuration = try AuthConfiguration.fromEnvironment([
            "ADMIN_TOKEN": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c", "AUDIT_RETENTION_DAYS": "30",
            "WEBHOOK_URL": "https://hooks.example.com/auth", "WEBHOOK_SECRET": Self.secret,
            "WEBHOOK_EVENTS": "login.succeeded, account.deleted",
        ])
        #expect(configuration.adminToken == "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c")
        #expect(configuration.auditRetention == .seconds(30 * 86_400))
        let webhook = try #require(configuration.webhook)
        #expect(webhook.url == "https://hooks.example.com/auth" && webhook.key == (0..<32).map { UInt8($0) })
        #expect(webhook.wants(.loginSucceeded) && webhook.wants(.accountDeleted) && !webhook.wants(.codeSent))
        let every = try #require(
            try AuthConfiguration.fromEnvironment([
                "WEBHOOK_URL": "http://127.0.0.1:9/x", "WEBHOOK_SECRET": Self.secret, "WEBHOOK_EVENTS": "*",
            ]).webhook)
        #expect(AuditEventType.allCases.allSatisfy(every.wants))
    }

    @Test(
        "a mistake names its setting",
        arguments: [
            (["ADMIN_TOKEN": "short"], "ADMIN_TOKEN", "at least 32 random characters"),
            (["ADMIN_TOKEN": String(repeating: "ab", count: 20)], "ADMIN_TOKEN", "at least 32 random characters"),
            (["AUDIT_RETENTION_DAYS": "0"], "AUDIT_RETENTION_DAYS", "from 1 to 3650"),
            (["AUDIT_RETENTION_DAYS": "ninety"], "AUDIT_RETENTION_DAYS", "from 1 to 3650"),
            (["WEBHOOK_URL": "hooks.example.com", "WEBHOOK_SECRET": secret], "WEBHOOK_URL", "https://"),
            (["WEBHOOK_URL": "ftp://hooks.example.com", "WEBHOOK_SECRET": secret], "WEBHOOK_URL", "https://"),
            (["WEBHOOK_URL": "https://hooks.example.com"], "WEBHOOK_SECRET", "is required"),
            (["WEBHOOK_SECRET": secret], "WEBHOOK_URL", "is required"),
            (
                ["WEBHOOK_URL": "https://h.example.com", "WEBHOOK_SECRET": "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
                "WEBHOOK_SECRET", "whsec_"
            ),
            (
                ["WEBHOOK_URL": "https://h.example.com", "WEBHOOK_SECRET": "whsec_c2hvcnQ="], "WEBHOOK_SECRET",
                "24 to 64"
            ),
            (
                ["WEBHOOK_URL": "https://h.example.com", "WEBHOOK_SECRET": secret, "WEBHOOK_EVENTS": "login.success"],
                "WEBHOOK_EVENTS", "'login.success' is not an event type"
            ),
        ] as [([String: String], String, String)])
    func invalid(environment: [String: String], setting: String, says: String) {
        #expect {
            try AuthConfiguration.fromEnvironment(environment)
        } throws: { error in
            let invalid = error as? AuthConfiguration.Invalid
            return invalid?.setting == setting && invalid?.problem.contains(says) == true
        }
    }

    @Test("a signature is Standard Webhooks' HMAC-SHA256 over id.timestamp.body, as its spec's example")
    func signature() throws {
        // the example of the Standard Webhooks specification (spec/standard-webhooks.md)
        let key = [UInt8](Data(base64Encoded: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")!)
        let signature = WebhookMessage.signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
            payload: #"{"test": 2432232314}"#, key: key)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }
}
