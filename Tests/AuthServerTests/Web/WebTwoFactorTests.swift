import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing
import VerifyEmulator
import VerifyWire

@testable import AuthServer

@Suite("Auth server web pages: SMS two-factor and password reset")
struct WebTwoFactorTests {
    /// Registers `name` and turns two-factor on with `phone` through the pages.
    func enable(_ stack: Stack, _ browser: Browser, phone: String) async throws {
        _ = try await browser.get("/profile/2fa/enable")
        let sent = try await browser.post("/profile/2fa/enable", ["phone_number": phone])
        #expect(sent.status == .seeOther)
        let normalized = try PhoneNumber.normalize(phone)
        let code = try await stack.code(for: normalized)
        let page = try await browser.get("/profile/2fa/enable")
        #expect(page.body.contains("We sent a code by SMS to <strong>\(normalized)</strong>"))
        let done = try await browser.post("/profile/2fa/enable/confirm", ["code": code])
        #expect(done.status == .seeOther)
        // the first factor issues recovery codes: the next page shows them, once
        #expect(done.location == "/profile/recovery-codes")
        let codes = try await browser.get("/profile/recovery-codes")
        #expect(codes.body.contains("Two-factor authentication is on"))
        #expect(codes.body.components(separatedBy: "<li>").count == 11)
        #expect(try await browser.get("/profile/recovery-codes").body.contains("Confirm with"))
    }

    @Test("enable two-factor: bad number, wrong code, expired code, resend, then on")
    func enableTwoFactor() async throws {
        try await withAccounts { stack in
            let browser = stack.browser()
            try await browser.register("jack")
            _ = try await browser.get("/profile/2fa/enable")
            let bad = try await browser.post("/profile/2fa/enable", ["phone_number": "12345"])
            #expect(bad.status == .badRequest)
            #expect(bad.fieldError("phone_number")?.contains("international form") == true)

            _ = try await browser.post("/profile/2fa/enable", ["phone_number": "+1 415 555 0140"])
            let first = try await stack.code(for: "+14155550140")
            let wrong = try await browser.post("/profile/2fa/enable/confirm", ["code": wrongCode(first)])
            #expect(wrong.status == .badRequest)
            #expect(wrong.fieldError("code") == "That code is not right. Check the message and try again.")
            let malformed = try await browser.post("/profile/2fa/enable/confirm", ["code": "12"])
            #expect(malformed.fieldError("code")?.contains("4 to 10") == true)

            stack.emulatorClock.advance(by: .seconds(601))
            let expired = try await browser.post("/profile/2fa/enable/confirm", ["code": first])
            #expect(expired.fieldError("code") == "This code has expired or was already used. Send a new code.")
            #expect(try await browser.get("/profile").body.contains(#"<span class="badge">Off</span>"#))

            let resent = try await browser.post("/profile/2fa/enable/resend")
            #expect(resent.status == .seeOther)
            #expect(try await browser.get("/profile/2fa/enable").body.contains("We sent a new code"))
            let messages = try await stack.messages(to: "+14155550140")
            #expect(messages.count == 2)
            let done = try await browser.post("/profile/2fa/enable/confirm", ["code": messages[0].code])
            #expect(done.location == "/profile/recovery-codes")
            #expect(try await browser.get("/profile/recovery-codes").body.contains("Two-factor authentication is on"))
            let profile = try await browser.get("/profile")
            #expect(profile.body.contains("Text-message codes turned on"))
            #expect(profile.body.contains("New recovery codes issued"))
            #expect(profile.body.contains(#"<dd id="recovery">10 unused"#))
            let swap = try await browser.post("/profile/2fa/enable", ["phone_number": "+14155550149"])
            #expect(swap.status == .conflict)
            #expect(swap.alert?.contains("already on") == true)
            #expect(profile.body.contains(#"<span class="badge on">On</span>"#))
            #expect(profile.body.contains("+1••••••0140"))
        }
    }

    @Test("log in with two-factor: no session until the code is approved; the session ID changes again then")
    func loginWithTwoFactor() async throws {
        try await withAccounts { stack in
            let setup = stack.browser()
            try await setup.register("kate")
            try await enable(stack, setup, phone: "+14155550141")

            let browser = stack.browser()
            let password = try await browser.login("kate")
            #expect(password.status == .seeOther)
            #expect(password.location == "/login/verify")
            let pendingSession = try #require(browser.session)
            // not signed in yet
            #expect(try await browser.get("/profile").location == "/login")
            let verify = try await browser.get("/login/verify")
            #expect(verify.body.contains("+1••••••0141"))
            let code = try await stack.code(for: "+14155550141")
            let wrong = try await browser.post("/login/verify", ["code": wrongCode(code)])
            #expect(wrong.fieldError("code") == "That code is not right. Check the message and try again.")
            #expect(try await browser.get("/profile").location == "/login")

            let ok = try await browser.post("/login/verify", ["code": code])
            #expect(ok.status == .seeOther)
            #expect(ok.location == "/profile")
            #expect(browser.session != pendingSession)
            #expect(try await browser.get("/profile").body.contains("<h1>kate</h1>"))

            // without a password first there is nothing to verify
            let stranger = stack.browser()
            #expect(try await stranger.get("/login/verify").location == "/login")
        }
    }

    @Test("two-factor login: expired code, resend, too many wrong codes, and an abandoned login expires")
    func loginCodeErrors() async throws {
        try await withAccounts { stack in
            let setup = stack.browser()
            try await setup.register("liam")
            try await enable(stack, setup, phone: "+14155550142")

            let browser = stack.browser()
            _ = try await browser.login("liam")
            let code = try await stack.code(for: "+14155550142")
            stack.emulatorClock.advance(by: .seconds(601))
            _ = try await browser.get("/login/verify")
            let expired = try await browser.post("/login/verify", ["code": code])
            #expect(expired.fieldError("code") == "This code has expired or was already used. Send a new code.")
            let resend = try await browser.post("/login/verify/resend")
            #expect(resend.location == "/login/verify?method=sms")
            #expect(try await browser.get("/login/verify").body.contains("We sent a new code to +1••••••0142"))
            let fresh = try await stack.code(for: "+14155550142")
            for _ in 0..<5 {
                _ = try await browser.post("/login/verify", ["code": wrongCode(fresh)])
            }
            let exhausted = try await browser.post("/login/verify", ["code": fresh])
            #expect(exhausted.status == .tooManyRequests)
            #expect(exhausted.fieldError("code") == "Too many wrong codes. Send a new code.")
            #expect(try await browser.get("/profile").location == "/login")

            // a password login left waiting for more than 10 minutes starts over
            let slow = stack.browser()
            _ = try await slow.login("liam")
            stack.tokenClock.advance(601)
            #expect(try await slow.get("/login/verify").location == "/login")
        }
    }

    @Test("disable two-factor needs a fresh code")
    func disableTwoFactor() async throws {
        try await withAccounts { stack in
            let browser = stack.browser()
            try await browser.register("mona")
            try await enable(stack, browser, phone: "+14155550143")
            let page = try await browser.get("/profile/2fa/disable")
            #expect(page.body.contains("we will send a code by SMS to <strong>+1••••••0143</strong>"))
            let before = try await stack.messages(to: "+14155550143").count
            let sent = try await browser.post("/profile/2fa/disable/send")
            #expect(sent.location == "/profile/2fa/disable?sent=1")
            #expect(try await stack.messages(to: "+14155550143").count == before + 1)
            let code = try await stack.code(for: "+14155550143")
            _ = try await browser.get("/profile/2fa/disable?sent=1")
            let wrong = try await browser.post("/profile/2fa/disable", ["code": wrongCode(code)])
            #expect(wrong.status == .badRequest)
            #expect(wrong.fieldError("code") == "That code is not right. Check the message and try again.")
            #expect(try await browser.get("/profile").body.contains(#"<span class="badge on">On</span>"#))
            let done = try await browser.post("/profile/2fa/disable", ["code": code])
            #expect(done.location == "/profile")
            #expect(try await browser.get("/profile").body.contains("Two-factor authentication is off"))
            // logging in now needs the password only
            #expect(try await stack.browser().login("mona").location == "/profile")
        }
    }

    @Test("password reset by email: same answer for unknown emails, wrong code, then every session revoked")
    func passwordReset() async throws {
        try await withAccounts { stack in
            let signedIn = stack.browser()
            try await signedIn.register("nina", email: "Nina@Example.com")
            let (_, tokens, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "nina", "password": "correct-horse-battery"}"#)
            let refresh = try #require(tokens["refresh_token"] as? String)
            stack.tokenClock.advance(2)

            let stranger = stack.browser()
            _ = try await stranger.get("/reset")
            let unknown = try await stranger.post("/reset", ["email": "nobody@example.com"])
            #expect(unknown.location == "/reset/confirm")
            #expect(try await stack.messages(to: "nobody@example.com", waitMilliseconds: 300).isEmpty)
            let invalid = try await stranger.post("/reset", ["email": "nope"])
            #expect(invalid.fieldError("email") == "Enter the email address of your account")

            let browser = stack.browser()
            _ = try await browser.get("/reset")
            let requested = try await browser.post("/reset", ["email": "nina@example.com"])
            #expect(requested.location == "/reset/confirm")
            let email = try #require(try await stack.messages(to: "Nina@Example.com", waitMilliseconds: 5000).first)
            #expect(email.channel == "email")
            let confirm = try await browser.get("/reset/confirm")
            #expect(
                confirm.body.contains("nina@example.com"),
                "the address as typed: the stored spelling would tell it exists")
            // development mode: the page says where the code can be read
            #expect(confirm.body.contains(#"<p class="muted" id="inbox-hint">"#))
            #expect(confirm.body.contains(#"href="\#(stack.emulator.baseURL)/""#))
            let wrong = try await browser.post(
                "/reset/confirm",
                [
                    "code": wrongCode(email.code), "password": "brand-new-pass",
                    "password_confirmation": "brand-new-pass",
                ])
            #expect(wrong.fieldError("code") == AccountService.wrongResetCode)
            let weak = try await browser.post(
                "/reset/confirm", ["code": email.code, "password": "short", "password_confirmation": "short"])
            #expect(weak.fieldError("password")?.contains("at least 8") == true)
            let done = try await browser.post(
                "/reset/confirm",
                ["code": email.code, "password": "brand-new-pass", "password_confirmation": "brand-new-pass"])
            #expect(done.location == "/login")
            #expect(try await browser.get("/login").body.contains("Your password is changed"))

            #expect(try await signedIn.get("/profile").location == "/login")
            let (refreshRefused, _, _) = try await stack.json(
                .post, "/api/auth/refresh", #"{"refresh_token": "\#(refresh)"}"#)
            #expect(refreshRefused == .unauthorized)
            #expect(try await stack.browser().login("nina").alert == "Wrong username or password")
            #expect(try await stack.browser().login("nina", password: "brand-new-pass").location == "/profile")
            // the code was used up
            let again = try await browser.post(
                "/reset", ["email": "nina@example.com"], csrf: try await browser.get("/reset").csrf)
            #expect(again.location == "/reset/confirm")
        }
    }
}

@Suite("Web pages: the emulator's inbox named in development mode only")
struct InboxHintTests {
    @Test("with its own Verify service (as against Twilio) the code pages name no emulator")
    func noHintOutsideDevelopment() async throws {
        try await withAccounts(configure: { $0.verifyServiceSid = ServiceFixture.default.sid.rawValue }) { stack in
            let browser = stack.browser()
            _ = try await browser.get("/reset")
            let requested = try await browser.post("/reset", ["email": "someone@example.com"])
            #expect(requested.location == "/reset/confirm")
            let confirm = try await browser.get("/reset/confirm")
            #expect(confirm.body.contains("we emailed it a code"))
            #expect(!confirm.body.contains("inbox-hint") && !confirm.body.contains(stack.emulator.baseURL))
        }
    }
}
