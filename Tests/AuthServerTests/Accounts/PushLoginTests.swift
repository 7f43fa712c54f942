import Foundation
import HTTPTypes
import Testing
import VerifyEmulator
import VerifyWire

@testable import AuthServer

/// Push approval (`PUSH_LOGIN=1`) against the real emulator: an access token for the phone app,
/// a virtual phone enrolled through the emulator's control API (as its inbox form does), and
/// logins the phone approves, denies or lets expire.
@Suite("Auth server: push approval logins")
struct PushLoginTests {
    static let password = "correct-horse-battery"

    func signUp(_ stack: Stack, _ name: String) async throws -> (token: String, sid: String) {
        _ = try await stack.json(
            .post, "/api/accounts/register",
            #"{"username": "\#(name)", "email": "\#(name)@example.com", "password": "\#(Self.password)"}"#)
        let (_, tokens, _) = try await stack.json(
            .post, "/api/accounts/login", #"{"login": "\#(name)", "password": "\#(Self.password)"}"#)
        return (try #require(tokens["access_token"] as? String), try #require(tokens["account_sid"] as? String))
    }

    /// Enrols a virtual phone and turns push on; returns the recovery codes.
    func addPhone(_ stack: Stack, _ token: String, identity: String) async throws -> [String] {
        try await stack.enrolVirtualPhone(identity: identity, name: "Pixel 9")
        let (status, state, _) = try await stack.json(.post, "/api/accounts/2fa/push/verify", "{}", token: token)
        #expect(status == .ok)
        #expect(state["methods"] as? [String] == ["push"])
        return state["recovery_codes"] as? [String] ?? []
    }

    func login(_ stack: Stack, _ name: String) async throws -> String {
        let (_, body, _) = try await stack.json(
            .post, "/api/accounts/login", #"{"login": "\#(name)", "password": "\#(Self.password)"}"#)
        #expect(body["methods"] as? [String] == ["push"])
        return try #require(body["challenge"] as? String)
    }

    func askPhone(_ stack: Stack, _ challenge: String) async throws -> HTTPResponse.Status {
        try await stack.json(
            .post, "/api/accounts/login/resend", #"{"challenge": "\#(challenge)", "method": "push"}"#
        ).0
    }

    func poll(_ stack: Stack, _ challenge: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        let (status, body, _) = try await stack.json(
            .post, "/api/accounts/login/verify", #"{"challenge": "\#(challenge)", "method": "push"}"#)
        return (status, body)
    }

    @Test("off unless the deployment turns it on")
    func offByDefault() async throws {
        try await withAccounts { stack in
            let (token, _) = try await signUp(stack, "abby")
            let (status, body, _) = try await stack.json(
                .post, "/api/accounts/2fa/push", #"{"current_password": "correct-horse-battery"}"#, token: token)
            #expect(status == .notFound)
            #expect((body["message"] as? String)?.contains("PUSH_LOGIN") == true)
        }
    }

    @Test("an enrolment token, a virtual phone, a login that waits and is approved on the phone")
    func approved() async throws {
        try await withAccounts(configure: { $0.pushLogin = true }) { stack in
            let (token, sid) = try await signUp(stack, "bert")
            let (issued, enrolment, headers) = try await stack.json(
                .post, "/api/accounts/2fa/push", #"{"current_password": "correct-horse-battery"}"#, token: token)
            #expect(issued == .ok && headers[.cacheControl] == "no-store")
            #expect(enrolment["identity"] as? String == sid && enrolment["factor_type"] as? String == "push")
            #expect((enrolment["token"] as? String)?.isEmpty == false && enrolment["ttl"] as? Int == 300)
            let (tooEarly, _, _) = try await stack.json(.post, "/api/accounts/2fa/push/verify", "{}", token: token)
            #expect(tooEarly == .conflict)
            let codes = try await addPhone(stack, token, identity: sid)
            #expect(codes.count == 10)
            // the phone counts as a factor: SMS on and off again neither reissues nor drops the codes
            _ = try await stack.json(
                .post, "/api/accounts/2fa/enable",
                #"{"phone_number": "+14155550181", "current_password": "correct-horse-battery"}"#, token: token)
            let (_, smsOn, _) = try await stack.json(
                .post, "/api/accounts/2fa/enable/verify", #"{"code": "\#(try await stack.code(for: "+14155550181"))"}"#,
                token: token)
            #expect(smsOn["recovery_codes"] == nil && smsOn["methods"] as? [String] == ["push", "sms"])
            _ = try await stack.json(.post, "/api/accounts/2fa/disable", "{}", token: token)
            let (_, smsOff, _) = try await stack.json(
                .post, "/api/accounts/2fa/disable/verify",
                #"{"code": "\#(try await stack.code(for: "+14155550181"))"}"#,
                token: token)
            #expect(smsOff["methods"] as? [String] == ["push"])
            let (renewed, _, _) = try await stack.json(
                .post, "/api/accounts/2fa/recovery-codes", #"{"code": "\#(codes[9])", "method": "recovery"}"#,
                token: token)
            #expect(renewed == .ok)

            let (_, challengeBody, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "bert", "password": "\#(Self.password)"}"#)
            #expect(challengeBody["push_device"] as? String == "Pixel 9")
            let challenge = try #require(challengeBody["challenge"] as? String)
            let (notSent, _) = try await poll(stack, challenge)
            #expect(notSent == .conflict)
            #expect(try await askPhone(stack, challenge) == .accepted)
            let (waiting, waitingBody) = try await poll(stack, challenge)
            #expect(waiting == .accepted && waitingBody["status"] as? String == "pending")
            try await stack.answerPush(identity: sid, approve: true)
            let (approved, tokens) = try await poll(stack, challenge)
            #expect(approved == .ok)
            let access = try #require(tokens["access_token"] as? String)
            #expect(try await stack.json(.get, "/api/auth/protected", token: access).0 == .ok)
            let (spent, _) = try await poll(stack, challenge)
            #expect(spent == .unauthorized)
        }
    }

    @Test("a denied push is refused and a new request can follow; an expired one is 410")
    func deniedAndExpired() async throws {
        try await withAccounts(configure: { $0.pushLogin = true }) { stack in
            let (token, sid) = try await signUp(stack, "cleo")
            _ = try await addPhone(stack, token, identity: sid)

            let challenge = try await login(stack, "cleo")
            #expect(try await askPhone(stack, challenge) == .accepted)
            try await stack.answerPush(identity: sid, approve: false)
            let (denied, deniedBody) = try await poll(stack, challenge)
            #expect(denied == .forbidden)
            #expect(deniedBody["message"] as? String == "The login was denied on your phone")
            #expect(try await askPhone(stack, challenge) == .accepted)
            try await stack.answerPush(identity: sid, approve: true)
            #expect(try await poll(stack, challenge).0 == .ok)

            let late = try await login(stack, "cleo")
            #expect(try await askPhone(stack, late) == .accepted)
            stack.emulatorClock.advance(by: .seconds(301))
            let (expired, expiredBody) = try await poll(stack, late)
            #expect(expired == .gone)
            #expect((expiredBody["message"] as? String)?.contains("expired") == true)
        }
    }

    @Test("removing the phone needs another factor's code; the factor goes from Verify too")
    func remove() async throws {
        try await withAccounts(configure: { $0.pushLogin = true }) { stack in
            let (token, sid) = try await signUp(stack, "dora")
            let codes = try await addPhone(stack, token, identity: sid)
            let (noMethod, _, _) = try await stack.json(
                .delete, "/api/accounts/2fa/push", #"{"code": "\#(codes[0])", "method": "push"}"#, token: token)
            #expect(noMethod == .badRequest)
            let (removed, state, _) = try await stack.json(
                .delete, "/api/accounts/2fa/push", #"{"code": "\#(codes[0])", "method": "recovery"}"#, token: token)
            #expect(removed == .ok)
            #expect(state["two_factor_enabled"] as? Bool == false && state["methods"] as? [String] == [])
            let (_, devices) = try await stack.control(.get, "/emulator/v1/devices")
            let left = try #require(devices["devices"] as? [[String: Any]])
            #expect(!left.contains { $0["identity"] as? String == sid })
            let (plain, tokens, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "dora", "password": "\#(Self.password)"}"#)
            #expect(plain == .ok && tokens["access_token"] is String)
        }
    }

    @Test("the pages: the login asks the phone at once, polls, and signs in once approved")
    func webLogin() async throws {
        try await withAccounts(configure: { $0.pushLogin = true }) { stack in
            let setup = stack.browser()
            try await setup.register("edna")
            let sid = try #require(
                Self.between(try await setup.get("/profile/2fa/push").body, "<code>", "</code>"))
            #expect(sid.hasPrefix("US"))
            let setupPage = try await setup.get("/profile/2fa/push")
            #expect(setupPage.body.contains(#"id="emulator-hint""#))
            let withToken = try await setup.post("/profile/2fa/push/token")
            #expect(withToken.body.contains(#"<div class="qr" id="push-qr"><svg"#))
            try await stack.enrolVirtualPhone(identity: sid, name: "Edna's phone")
            let on = try await setup.post("/profile/2fa/push/confirm")
            #expect(on.location == "/profile/recovery-codes")
            #expect(try await setup.get("/profile").body.contains("Edna&#39;s phone"))

            let browser = stack.browser()
            _ = try await browser.login("edna")
            let waiting = try await browser.get("/login/verify")
            #expect(waiting.body.contains(#"<script src="/static/login-push.js"></script>"#))
            #expect(waiting.body.contains("Open the notification there"))
            let pending = try await browser.get("/login/verify/push-status")
            #expect(pending.body == #"{"status":"pending"}"#)
            let early = try await browser.post("/login/verify", ["method": "push"])
            #expect(early.status == .accepted && early.alert == "Waiting for approval on your phone")
            try await stack.answerPush(identity: sid, approve: true)
            #expect(try await browser.get("/login/verify/push-status").body == #"{"status":"approved"}"#)
            let done = try await browser.post("/login/verify", ["method": "push"])
            #expect(done.location == "/profile")
            #expect(try await browser.get("/profile").body.contains("<h1>edna</h1>"))
            let script = try await browser.get("/static/login-push.js")
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.body.contains("/login/verify/push-status"))
        }
    }

    static func between(_ text: String, _ start: String, _ end: String) -> String? {
        guard let from = text.range(of: start), let to = text.range(of: end, range: from.upperBound..<text.endIndex)
        else { return nil }
        return String(text[from.upperBound..<to.lowerBound])
    }
}
