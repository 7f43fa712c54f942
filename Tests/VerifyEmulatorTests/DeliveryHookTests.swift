import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VerifyWire

@testable import VerifyEmulator

/// Collects what the receiver was sent.
actor Received {
    var messages: [OutboxMessage] = []
    func append(_ message: OutboxMessage) { messages.append(message) }
}

@Suite("Outbound delivery webhook")
struct DeliveryHookTests {
    @Test("each delivered message is POSTed as JSON to the configured URL")
    func webhook() async throws {
        let received = Received()
        let router = Router()
        router.post("/hook") { request, context -> HTTPResponse.Status in
            let message = try await request.decode(as: OutboxMessage.self, context: context)
            await received.append(message)
            return .noContent
        }
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await receiver.test(.live) { client in
            let port = try #require(client.port)
            try await withEmulator(configure: { $0.deliveryWebhook = "http://127.0.0.1:\(port)/hook" }) { api in
                let service = try await api.createService()
                _ = try await api.startVerification(service)
                let code = try #require(try await api.lastMessage()).code
                var attempts = 0
                while await received.messages.isEmpty, attempts < 100 {
                    try await Task.sleep(for: .milliseconds(50))
                    attempts += 1
                }
                let messages = await received.messages
                #expect(messages.count == 1)
                #expect(messages.first?.to == "+15005550006")
                #expect(messages.first?.code == code)
                #expect(messages.first?.serviceSid == service)
            }
        }
    }

    @Test("an unreachable receiver never fails the Verify request")
    func unreachable() async throws {
        try await withEmulator(configure: { $0.deliveryWebhook = "http://127.0.0.1:9/nothing-listens-here" }) { api in
            let service = try await api.createService()
            #expect(try await api.startVerification(service).status == .created)
            #expect(try await api.lastMessage() != nil)
        }
    }
}
