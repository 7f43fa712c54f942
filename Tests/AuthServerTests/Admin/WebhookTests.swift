import Foundation
import HTTPTypes
import Testing

@testable import AuthServer

#if canImport(Glibc)
import Glibc
#endif

/// Webhooks to a receiver that is down: a login answers as fast as without webhooks (delivery is
/// off the request path), each attempt is retried after its delay, then given up and shown as
/// failed in the admin API. (A live receiver verifying signatures with the `standardwebhooks`
/// library is in `Tests/compat/test_auth_server.py`.)
@Suite("Auth server: webhooks to a dead or hanging receiver")
struct WebhookTests {
    @Test("a receiver that never answers holds no login: the login returns while its delivery is in flight")
    func hangingReceiver() async throws {
        let listener = try HangingListener()
        defer { listener.close() }
        try await withAccounts(configure: {
            AdminTests.configure(&$0)
            var webhook = WebhookSettings(
                url: "http://127.0.0.1:\(listener.port)/hooks", key: Array(repeating: 7, count: 32))
            webhook.timeout = .seconds(120)
            $0.webhook = webhook
        }) { stack in
            _ = try await stack.signUp("patient")
            var deliveries: [[String: Any]] = []
            for _ in 0..<50 {
                let (_, body) = try await AdminTests.admin(stack, .get, "/api/admin/webhooks")
                deliveries = body["deliveries"] as? [[String: Any]] ?? []
                if deliveries.contains(where: { $0["attempts"] as? Int == 1 }) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(deliveries.count == 2)
            // the first is being attempted (claimed, no outcome yet); none has an outcome
            #expect(deliveries.allSatisfy { $0["status"] as? String == "pending" && $0["last_error"] == nil })
            #expect(deliveries.contains { $0["attempts"] as? Int == 1 })
        }
        // (the server stopped with a delivery in flight: shutdown does not wait for the receiver)
    }

    @Test("retried after each delay, then given up; logins never wait for it")
    func deadReceiver() async throws {
        try await withAccounts(configure: {
            AdminTests.configure(&$0)
            var webhook = WebhookSettings(url: "http://127.0.0.1:9/hooks", key: Array(repeating: 7, count: 32))
            webhook.retryDelays = [0.2, 0.2]
            webhook.timeout = .milliseconds(500)
            $0.webhook = webhook
        }) { stack in
            _ = try await stack.signUp("hooked")
            var deliveries: [[String: Any]] = []
            let deadline = ContinuousClock.now + .seconds(20)
            repeat {
                try await Task.sleep(for: .milliseconds(300))
                let (status, body) = try await AdminTests.admin(stack, .get, "/api/admin/webhooks")
                #expect(status == .ok && body["configured"] as? Bool == true)
                deliveries = body["deliveries"] as? [[String: Any]] ?? []
            } while ContinuousClock.now < deadline
                && !(deliveries.count == 2 && deliveries.allSatisfy { $0["status"] as? String == "failed" })
            // account.created and login.succeeded: three attempts each, then given up
            #expect(Set(deliveries.compactMap { $0["type"] as? String }) == ["account.created", "login.succeeded"])
            for delivery in deliveries {
                #expect(delivery["status"] as? String == "failed")
                #expect(delivery["attempts"] as? Int == 3)
                #expect((delivery["last_error"] as? String)?.isEmpty == false)
            }
        }
    }
}

/// A TCP port that takes connections and never reads or answers them.
final class HangingListener: Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}
