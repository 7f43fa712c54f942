import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Live inbox")
struct InboxTests {
    @Test("the page shows each TOTP factor's current code and seconds left, as an authenticator app would")
    func authenticator() async throws {
        try await withEmulator(configure: { $0.clock.set(to: TOTPFactorTests.start, frozen: true) }) { api in
            let empty = String(decoding: try await api.get("/", auth: nil).body, as: UTF8.self)
            #expect(empty.contains("<li class=\"none\">No TOTP factors yet</li>"))
            let service = try await api.createService()
            let created = try await api.post(
                "/v2/Services/\(service)/Entities/\(TOTPFactorTests.identity)/Factors",
                [("FactorType", "totp"), ("FriendlyName", "Ada <phone>")])
            let code = try TOTPFactorTests.code(created.json, clock: api.clock)
            let html = String(decoding: try await api.get("/", auth: nil).body, as: UTF8.self)
            #expect(html.contains("\(TOTPFactorTests.identity) · Ada &lt;phone&gt; (unverified)"))
            #expect(html.contains("<span class=\"code\">\(code)</span>"))
            let stepEnds = Int64(TOTPFactorTests.start.timeIntervalSince1970) * 1000 + 20_000
            #expect(html.contains("data-step-ends=\"\(stepEnds)\">20 s</span>"))
            #expect(!html.contains("<li class=\"none\">No TOTP factors yet</li>"))
        }
    }

    @Test("pending push challenges: message, fields, Approve and Deny for a virtual device only, escaped")
    func pushChallenges() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let none = String(decoding: try await api.get("/", auth: nil).body, as: UTF8.self)
            #expect(none.contains("<li class=\"none\">No pending push challenges</li>"))
            #expect(none.contains("<option value=\"\(service)\">"))
            let enrolled = try await api.request(
                .post, "/emulator/v1/devices", auth: nil,
                rawBody: .init(string: #"{"service_sid": "\#(service)", "identity": "\#(PushFactorTests.identity)"}"#),
                contentType: "application/json")
            let virtual = try #require(enrolled.json["factor_sid"] as? String)
            let (real, _) = try await PushFactorTests.enrolledFactor(api, service, TestPhone())
            let challenges = PushFactorTests.path(service, "Challenges")
            let mine = try await api.post(
                challenges,
                [
                    ("FactorSid", virtual), ("Details.Message", "Log in to <Shop>?"),
                    ("Details.Fields", #"{"label": "City", "value": "Lisbon"}"#),
                ])
            let theirs = try await api.post(challenges, [("FactorSid", real), ("Details.Message", "Real phone")])
            let mineSid = try #require(mine.json["sid"] as? String)
            let html = String(decoding: try await api.get("/", auth: nil).body, as: UTF8.self)
            #expect(html.contains("<span class=\"message\">Log in to &lt;Shop&gt;?</span>"))
            #expect(html.contains("<span class=\"fields\">City: Lisbon</span>"))
            #expect(html.contains("data-answer=\"approve\" data-challenge=\"\(mineSid)\""))
            let theirsSid = try #require(theirs.json["sid"] as? String)
            #expect(!html.contains("data-challenge=\"\(theirsSid)\""))
            #expect(html.contains("on a real phone"))
            // answered, it leaves the page
            _ = try await api.request(.post, "/emulator/v1/challenges/\(mineSid)/approve", auth: nil)
            let after = String(decoding: try await api.get("/", auth: nil).body, as: UTF8.self)
            #expect(!after.contains(mineSid) && after.contains(theirsSid))
        }
    }

    @Test("the page renders services, pending verifications and every phone's codes, escaped")
    func page() async throws {
        try await withEmulator { api in
            let service = try await api.createService("Shop <&>")
            _ = try await api.startVerification(service, to: "+15005550006")
            _ = try await api.startVerification(service, to: "user@example.com", channel: "email")
            let code = try #require(try await api.lastMessage()).code
            let response = try await api.get("/", auth: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            let html = String(decoding: response.body, as: UTF8.self)
            #expect(html.contains("Shop &lt;&amp;&gt;"))
            #expect(!html.contains("Shop <&>"))
            #expect(html.contains(service))
            #expect(html.contains("data-to=\"+15005550006\""))
            #expect(html.contains("data-to=\"user@example.com\""))
            #expect(html.contains("<span class=\"code\">\(code)</span>"))
            #expect(html.contains("new EventSource(\"/emulator/v1/events\")"))
            #expect(html.contains("9:5") || html.contains("10:00"), "time left is shown")
        }
    }

    @Test("an empty emulator says how to start")
    func emptyPage() async throws {
        try await withEmulator { api in
            let html = String(decoding: try await api.get("/", auth: nil).body, as: UTF8.self)
            #expect(html.contains("No messages yet"))
        }
    }

    @Test("subscribers of the feed receive every delivered message")
    func feedSubscription() async throws {
        let feed = MessageFeed()
        let stream = feed.subscribe()
        let message = MessageRecord(
            sid: "VL1", accountSid: "AC1", serviceSid: "VA1", verificationSid: "VE1", toAddress: "+15005550006",
            channel: "sms", body: "b", code: "1234", createdAt: 0)
        feed.publish(message)
        var iterator = stream.makeAsyncIterator()
        #expect(await iterator.next() == message)
    }
}
