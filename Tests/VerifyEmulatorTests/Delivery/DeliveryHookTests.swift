import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
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

    @Test("a delayed delivery reaches the webhook only when the emulator clock passes its delay")
    func delayedDelivery() async throws {
        let received = Received()
        let router = Router()
        router.post("/hook") { request, context -> HTTPResponse.Status in
            await received.append(try await request.decode(as: OutboxMessage.self, context: context))
            return .noContent
        }
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await receiver.test(.live) { client in
            let port = try #require(client.port)
            try await withEmulator(configure: { $0.deliveryWebhook = "http://127.0.0.1:\(port)/hook" }) { api in
                let delayed = try #require(OutcomeCatalogue.all.first { $0.outcome == "delayed_delivery" })
                let number = delayed.numbers[0]
                let service = try await api.createService()
                #expect(try await api.startVerification(service, to: number).status == .created)
                try await Task.sleep(for: .milliseconds(600))
                #expect(await received.messages.isEmpty)
                #expect(try await api.lastMessage(to: number) == nil)
                api.clock.advance(by: .seconds(delayed.delaySeconds ?? 0))
                var attempts = 0
                while await received.messages.isEmpty, attempts < 100 {
                    try await Task.sleep(for: .milliseconds(50))
                    attempts += 1
                }
                #expect(await received.messages.map(\.to) == [number])
                #expect(try await api.lastMessage(to: number)?.code == received.messages.first?.code)
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

    @Test(
        "webhook URLs: http:// with a host is taken as given, anything else is refused with a reason",
        arguments: [
            ("http://127.0.0.1:8080/hook?token=a%20b", "127.0.0.1", 8080, "/hook?token=a%20b", "127.0.0.1:8080"),
            ("http://localhost", "localhost", 80, "/", "localhost"),
            ("HTTP://receiver.test/in/", "receiver.test", 80, "/in/", "receiver.test"),
            ("http://[::1]:9000/h", "::1", 9000, "/h", "[::1]:9000"),
        ])
    func urls(url: String, host: String, port: Int, path: String, authority: String) throws {
        let target = try DeliveryHook.parse(url).get()
        #expect(target == DeliveryHook.Target(host: host, port: port, path: path, authority: authority))
        #expect(EmulatorConfiguration.deliveryWebhookProblem(url) == nil)
    }

    @Test(
        "refused webhook URLs",
        arguments: [
            ("https://example.com/hook", "only http:// URLs"), ("ftp://example.com", "only http:// URLs"),
            ("localhost:8000/hook", "only http:// URLs"), ("http://", "has no host"),
            ("http://host:0/x", "has no valid port"), ("not a url", "is not"),
        ])
    func refusedURLs(url: String, reason: String) async throws {
        let problem = try #require(EmulatorConfiguration.deliveryWebhookProblem(url))
        #expect(problem.contains(reason))
        var configuration = EmulatorConfiguration()
        configuration.databasePath = ":memory:"
        configuration.deliveryWebhook = url
        let error = await #expect(throws: ConfigurationError.self) {
            _ = try await buildApplication(configuration: configuration)
        }
        #expect(error?.description.hasPrefix("delivery webhook: ") == true)
    }

    @Test("a delivery reports the receiver's status, sends JSON, and logs a non-2xx answer")
    func statuses() async throws {
        let seen = Received()
        let router = Router()
        router.post("/ok") { request, context -> HTTPResponse.Status in
            #expect(request.headers[.contentType] == "application/json")
            #expect(request.headers[.userAgent] == "verify-emulator")
            #expect(request.uri.query == "token=a%20b")
            await seen.append(try await request.decode(as: OutboxMessage.self, context: context))
            return .noContent
        }
        router.post("/broken") { _, _ -> HTTPResponse.Status in .internalServerError }
        router.post("/slow") { _, _ -> HTTPResponse.Status in
            try await Task.sleep(for: .milliseconds(1500))
            return .ok
        }
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await receiver.test(.live) { client in
            let port = try #require(client.port)
            let lines = ConsoleLogTests.Lines()
            let logger = Logger(label: "hook") { StreamLogHandler(label: $0, stream: lines, metadataProvider: nil) }
            let message = MessageRecord(
                sid: "VL" + String(repeating: "a", count: 32), accountSid: "AC" + String(repeating: "0", count: 32),
                serviceSid: "VA" + String(repeating: "1", count: 32),
                verificationSid: "VE" + String(repeating: "2", count: 32), toAddress: "+15005550006", channel: "sms",
                body: "Your code is \"123456\"", code: "123456", createdAt: 1_000)

            // these receivers answer at once; the generous timeout is for a loaded machine
            var ok = try DeliveryHook(url: "http://127.0.0.1:\(port)/ok?token=a%20b", logger: logger)
            ok.timeout = .seconds(60)
            #expect(await ok.deliver(message) == .answered(status: 204))
            #expect(await seen.messages.map(\.code) == ["123456"])
            #expect(await seen.messages.first?.body == "Your code is \"123456\"")
            #expect(lines.written.isEmpty)

            var broken = try DeliveryHook(url: "http://127.0.0.1:\(port)/broken", logger: logger)
            broken.timeout = .seconds(60)
            #expect(await broken.deliver(message) == .answered(status: 500))
            #expect(lines.written.contains("/broken answered 500 for VL"))

            var slow = try DeliveryHook(url: "http://127.0.0.1:\(port)/slow", logger: logger)
            slow.timeout = .milliseconds(200)
            // The receiver answers 200 after 1.5 s: a failure proves the hook stopped waiting
            // before the answer came (an elapsed-time bound would only measure the machine's load).
            guard case .failed(let reason) = await slow.deliver(message) else {
                Issue.record("a receiver that does not answer must fail the delivery")
                return
            }
            #expect(reason.contains("no answer within \(Duration.milliseconds(200))"))
            #expect(lines.written.contains("/slow failed for VL"))
        }
        // Nothing listens on port 9 (discard) here: the connection is refused.
        let lines = ConsoleLogTests.Lines()
        let refused = try DeliveryHook(
            url: "http://127.0.0.1:9/x",
            logger: Logger(label: "hook") { StreamLogHandler(label: $0, stream: lines, metadataProvider: nil) })
        guard
            case .failed = await refused.deliver(
                MessageRecord(
                    sid: "VL1", accountSid: "AC1", serviceSid: "VA1", verificationSid: "VE1", toAddress: "+1",
                    channel: "sms",
                    body: "b", code: "1", createdAt: 0))
        else {
            Issue.record("a refused connection must fail the delivery")
            return
        }
        #expect(lines.written.contains("failed for VL1"))
    }
}
