import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VerifyWire

@testable import VerifyEmulator

/// What a webhook receiver was sent: each request's form and signature header.
actor ReceivedEvents {
    var events: [(form: FormData, signature: String?, path: String)] = []
    func append(_ form: FormData, _ signature: String?, _ path: String) { events.append((form, signature, path)) }
    var types: [String] { events.compactMap { $0.form["type"] } }
}

@Suite("Verify webhooks: CRUD, and factor and challenge events signed as Twilio signs them")
struct WebhookTests {
    static func receiver(_ received: ReceivedEvents) -> some ApplicationProtocol {
        let router = Router()
        router.post("/events/:kind") { request, context -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 65536)
            await received.append(
                try FormData(parsing: Array(body.readableBytesView)), request.headers[.init("X-Twilio-Signature")!],
                context.parameters.get("kind") ?? "")
            return context.parameters.get("kind") == "broken" ? .internalServerError : .ok
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// The control API's deliveries, once there are `count` (a delivery is logged after its answer).
    static func deliveries(_ api: EmulatorClient, count: Int) async throws -> [[String: Any]] {
        var deliveries: [[String: Any]] = []
        for _ in 0..<200 {
            deliveries =
                try await api.get("/emulator/v1/webhooks", auth: nil).json["deliveries"] as? [[String: Any]] ?? []
            if deliveries.count >= count { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return deliveries
    }

    static func waitFor(_ received: ReceivedEvents, count: Int) async throws {
        for _ in 0..<200 where await received.events.count < count {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test("CRUD: create, fetch, list, update, delete; bad EventTypes 400/60306")
    func crud() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let path = "/v2/Services/\(service)/Webhooks"
            let created = try await api.post(
                path,
                [
                    ("FriendlyName", "hook"), ("EventTypes", "factor.created"), ("EventTypes", "challenge.approved"),
                    ("WebhookUrl", "http://127.0.0.1:9/events"),
                ])
            #expect(created.status == .created)
            #expect(Set(created.json.keys) == (try specProperties("verify.v2.service.webhook")))
            let webhook = try created.decode(WebhookResource.self)
            #expect(webhook.sid.hasPrefix("YW") && webhook.status == .enabled && webhook.version == .v2)
            #expect(webhook.eventTypes == ["factor.created", "challenge.approved"] && webhook.webhookMethod == "POST")
            #expect(try await api.get("\(path)/\(webhook.sid)").decode(WebhookResource.self) == webhook)
            let updated = try await api.post("\(path)/\(webhook.sid)", [("Status", "disabled"), ("EventTypes", "*")])
            let changed = try updated.decode(WebhookResource.self)
            #expect(changed.status == .disabled && changed.eventTypes == ["*"])
            #expect(try await api.get(path).decode(ListPage<WebhookResource>.self).items.map(\.sid) == [webhook.sid])
            let bad = try await api.post(
                path, [("FriendlyName", "x"), ("EventTypes", "factor.eaten"), ("WebhookUrl", "http://127.0.0.1:9/")])
            #expect(bad.status == .badRequest && bad.error?.code == 60306)
            let https = try await api.post(
                path, [("FriendlyName", "x"), ("EventTypes", "*"), ("WebhookUrl", "https://example.com/")])
            #expect(https.status == .badRequest)
            #expect(try await api.request(.delete, "\(path)/\(webhook.sid)").status == .noContent)
            #expect(try await api.get("\(path)/\(webhook.sid)").status == .notFound)
        }
    }

    @Test(
        "factor.created, factor.verified, challenge.approved and factor.deleted reach the subscribed webhooks, signed")
    func events() async throws {
        let received = ReceivedEvents()
        try await Self.receiver(received).test(.live) { client in
            let port = try #require(client.port)
            try await withEmulator(configure: { $0.clock.set(to: TOTPFactorTests.start, frozen: true) }) { api in
                let service = try await api.createService()
                let hooks = "/v2/Services/\(service)/Webhooks"
                let base = "http://127.0.0.1:\(port)/events"
                _ = try await api.post(
                    hooks, [("FriendlyName", "all"), ("EventTypes", "*"), ("WebhookUrl", "\(base)/all")])
                _ = try await api.post(
                    hooks,
                    [
                        ("FriendlyName", "approvals"), ("EventTypes", "challenge.approved"),
                        ("WebhookUrl", "\(base)/approvals"),
                    ])
                _ = try await api.post(
                    hooks,
                    [
                        ("FriendlyName", "off"), ("EventTypes", "*"), ("WebhookUrl", "\(base)/off"),
                        ("Status", "disabled"),
                        ("Version", "v1"),
                    ])
                let (_, factor, json) = try await TOTPFactorTests.verifiedFactor(api, service: service)
                let code = try TOTPFactorTests.code(json, clock: api.clock)
                let challenge = try await api.post(
                    "/v2/Services/\(service)/Entities/\(TOTPFactorTests.identity)/Challenges",
                    [("FactorSid", factor), ("AuthPayload", code)]
                ).decode(ChallengeResource.self)
                #expect(challenge.status == .approved)
                _ = try await api.request(
                    .delete, "/v2/Services/\(service)/Entities/\(TOTPFactorTests.identity)/Factors/\(factor)")
                try await Self.waitFor(received, count: 5)
                let events = await received.events
                let all = events.filter { $0.path == "all" }.compactMap { $0.form["type"] }
                #expect(Set(all) == ["factor.created", "factor.verified", "challenge.approved", "factor.deleted"])
                #expect(
                    events.filter { $0.path == "approvals" }.compactMap { $0.form["type"] } == ["challenge.approved"])
                #expect(!events.contains { $0.path == "off" })
                let approval = try #require(events.first { $0.path == "approvals" })
                #expect(approval.form["challenge_sid"] == challenge.sid && approval.form["factor_sid"] == factor)
                #expect(approval.form["entity_identity"] == TOTPFactorTests.identity)
                #expect(approval.form["account_sid"] == TestAccounts.main.sid.rawValue)
                #expect(approval.form["factor_type"] == "totp" && approval.form["uuid"] != nil)
                // the signature is over the URL and the sorted parameters, with the account's token
                let expected = WebhookDispatcher.signature(
                    url: "\(base)/approvals", parameters: approval.form.fields.map { ($0.name, $0.value) },
                    authToken: TestAccounts.main.authToken)
                #expect(approval.signature == expected)
                let deliveries = try await Self.deliveries(api, count: 5)
                #expect(deliveries.count == 5)
                #expect(deliveries.allSatisfy { $0["status"] as? Int == 200 && $0["attempts"] as? Int == 1 })
            }
        }
    }

    @Test("a failing receiver is tried three times, and the API call never fails")
    func retries() async throws {
        let received = ReceivedEvents()
        try await Self.receiver(received).test(.live) { client in
            let port = try #require(client.port)
            try await withEmulator(configure: { $0.webhookRetryDelays = [.milliseconds(20), .milliseconds(20)] }) {
                api in
                let service = try await api.createService()
                _ = try await api.post(
                    "/v2/Services/\(service)/Webhooks",
                    [
                        ("FriendlyName", "broken"), ("EventTypes", "factor.created"),
                        ("WebhookUrl", "http://127.0.0.1:\(port)/events/broken"),
                    ])
                let created = try await api.post(
                    "/v2/Services/\(service)/Entities/\(TOTPFactorTests.identity)/Factors",
                    [("FactorType", "totp"), ("FriendlyName", "x")])
                #expect(created.status == .created)
                try await Self.waitFor(received, count: 3)
                #expect(await received.events.count == 3)
                let deliveries = try await Self.deliveries(api, count: 1)
                #expect(deliveries.first?["status"] as? Int == 500 && deliveries.first?["attempts"] as? Int == 3)
            }
        }
    }
}
