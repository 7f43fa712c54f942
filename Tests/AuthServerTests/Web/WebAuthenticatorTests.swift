import Foundation
import HTTPTypes
import Testing
import VerifyEmulator
import VerifyEmulatorTesting
import VerifyWire

@testable import AuthServer

/// The authenticator-app pages against the real emulator: the set-up page's QR code and secret,
/// a TOTP login, recovery codes, and removal with a fresh code.
@Suite("Auth server web pages: authenticator app and recovery codes")
struct WebAuthenticatorTests {
    /// Sets an authenticator app up through the pages; returns the app and the recovery codes shown.
    func addAuthenticator(_ stack: Stack, _ browser: Browser) async throws -> (TOTPAuthenticator, [String]) {
        let start = try await browser.get("/profile/2fa/totp")
        #expect(start.body.contains(#"id="start-totp""#) && !start.body.contains("<svg"))
        let started = try await browser.post("/profile/2fa/totp/start")
        #expect(started.location == "/profile/2fa/totp")
        let page = try await browser.get("/profile/2fa/totp")
        #expect(page.body.contains(#"<div class="qr" id="qr"><svg xmlns="http://www.w3.org/2000/svg""#))
        #expect(page.body.contains(#"aria-label="QR code to scan with your authenticator app""#))
        let secret = try #require(Self.attribute("data-secret", in: page.body))
        // the secret as people type it, in groups of four
        #expect(page.body.contains(AuthServer.WebApp.grouped(secret)))
        let app = TOTPAuthenticator(
            totp: TOTP(secret: try #require(Base32.decode(secret)), algorithm: .sha1, digits: 6, timeStep: 30))

        let code = nextCode(stack, app)
        let wrong = try await browser.post("/profile/2fa/totp/confirm", ["code": wrongCode(code)])
        #expect(wrong.status == .badRequest)
        #expect(wrong.fieldError("code") == AccountService.wrongTOTPCode)
        #expect(wrong.body.contains("<svg"))
        let done = try await browser.post("/profile/2fa/totp/confirm", ["code": code])
        #expect(done.location == "/profile/recovery-codes")
        let shown = try await browser.get("/profile/recovery-codes")
        #expect(shown.body.contains("The authenticator app is on"))
        let codes = Self.listItems(shown.body, id: "recovery-codes")
        #expect(codes.count == 10)
        return (app, codes)
    }

    func nextCode(_ stack: Stack, _ app: TOTPAuthenticator) -> String {
        stack.emulatorClock.advance(by: .seconds(30))
        return app.code(at: stack.emulatorClock.now())
    }

    static func attribute(_ name: String, in html: String) -> String? {
        guard let start = html.range(of: "\(name)=\""),
            let end = html.range(of: "\"", range: start.upperBound..<html.endIndex)
        else { return nil }
        return String(html[start.upperBound..<end.lowerBound])
    }

    static func listItems(_ html: String, id: String) -> [String] {
        guard let start = html.range(of: #"id="\#(id)">"#), let end = html.range(of: "</ol>") else { return [] }
        return html[start.upperBound..<end.lowerBound].components(separatedBy: "<li>").dropFirst().map {
            $0.replacingOccurrences(of: "</li>", with: "")
        }
    }

    @Test("add an app from the QR page's secret, log in with its code, or with a recovery code once")
    func addAndLogIn() async throws {
        try await withAccounts { stack in
            let setup = stack.browser()
            try await setup.register("wanda")
            let (app, codes) = try await addAuthenticator(stack, setup)
            let profile = try await setup.get("/profile")
            #expect(profile.body.contains(#"<dd id="totp"><span class="badge on">On</span>"#))
            #expect(profile.body.contains("Authenticator app added"))
            #expect(try await setup.get("/profile/2fa/totp").location == "/profile")

            let browser = stack.browser()
            let password = try await browser.login("wanda")
            #expect(password.location == "/login/verify")
            let verify = try await browser.get("/login/verify")
            #expect(verify.body.contains("authenticator app shows"))
            #expect(verify.body.contains(#"id="use-recovery""#) && !verify.body.contains(#"id="use-sms""#))
            let code = nextCode(stack, app)
            let wrong = try await browser.post("/login/verify", ["code": wrongCode(code), "method": "totp"])
            #expect(wrong.fieldError("code") == AccountService.wrongTOTPCode)
            let ok = try await browser.post("/login/verify", ["code": code, "method": "totp"])
            #expect(ok.location == "/profile")
            #expect(try await browser.get("/profile").body.contains("<h1>wanda</h1>"))

            let other = stack.browser()
            _ = try await other.login("wanda")
            _ = try await other.get("/login/verify")
            let replay = try await other.post("/login/verify", ["code": code, "method": "totp"])
            #expect(replay.status == .badRequest)
            let recoveryPage = try await other.get("/login/verify?method=recovery")
            #expect(recoveryPage.body.contains("recovery codes you saved"))
            let recovered = try await other.post("/login/verify", ["code": codes[3], "method": "recovery"])
            #expect(recovered.location == "/profile")
            #expect(try await other.get("/profile").body.contains(#"<dd id="recovery">9 unused"#))

            let third = stack.browser()
            _ = try await third.login("wanda")
            _ = try await third.get("/login/verify")
            let again = try await third.post("/login/verify", ["code": codes[3], "method": "recovery"])
            #expect(again.fieldError("code") == "This recovery code is not right or was already used")
        }
    }

    @Test("new recovery codes and removal each need a fresh code; SMS can provide it")
    func regenerateAndRemove() async throws {
        try await withAccounts { stack in
            let browser = stack.browser()
            try await browser.register("xena")
            let (app, codes) = try await addAuthenticator(stack, browser)

            let form = try await browser.get("/profile/recovery-codes")
            #expect(form.body.contains(#"id="method-totp" checked"#) && !form.body.contains(#"id="send-sms""#))
            let refused = try await browser.post("/profile/recovery-codes", ["method": "totp", "code": "000000"])
            #expect(refused.status == .badRequest)
            let renewed = try await browser.post(
                "/profile/recovery-codes", ["method": "totp", "code": nextCode(stack, app)])
            #expect(renewed.location == "/profile/recovery-codes")
            let fresh = Self.listItems(try await browser.get("/profile/recovery-codes").body, id: "recovery-codes")
            #expect(fresh.count == 10 && Set(fresh).isDisjoint(with: codes))

            // with SMS on as well, the removal form can send an SMS code
            _ = try await browser.post("/profile/2fa/enable", ["phone_number": "+14155550171"])
            let smsOn = try await browser.post(
                "/profile/2fa/enable/confirm", ["code": try await stack.code(for: "+14155550171")])
            #expect(smsOn.location == "/profile")  // not the first factor: no new recovery codes
            let remove = try await browser.get("/profile/2fa/totp/remove")
            #expect(remove.body.contains(#"id="send-sms""#))
            let sent = try await browser.post("/profile/2fa/sms-code", ["return_to": "/profile/2fa/totp/remove"])
            #expect(sent.location == "/profile/2fa/totp/remove?method=sms")
            let elsewhere = try await browser.post("/profile/2fa/sms-code", ["return_to": "https://evil.example"])
            #expect(elsewhere.location == "/profile?method=sms")
            #expect(try await browser.get(sent.location!).body.contains(#"id="method-sms" checked"#))
            let smsCode = try await stack.code(for: "+14155550171")
            let wrongSMS = try await browser.post(
                "/profile/2fa/totp/remove", ["method": "sms", "code": wrongCode(smsCode)])
            #expect(wrongSMS.status == .badRequest)
            let removed = try await browser.post("/profile/2fa/totp/remove", ["method": "sms", "code": smsCode])
            #expect(removed.location == "/profile")
            let profile = try await browser.get("/profile")
            #expect(profile.body.contains("The authenticator app is removed"))
            #expect(profile.body.contains(#"<dd id="totp"><span class="badge">Off</span>"#))
            #expect(profile.body.contains("Authenticator app removed"))
            #expect(try await browser.get("/profile/2fa/totp/remove").location == "/profile")
        }
    }

    @Test("SMS and an app both on: the login offers both and sends no SMS until asked")
    func chooseAtLogin() async throws {
        try await withAccounts { stack in
            let setup = stack.browser()
            try await setup.register("yuri")
            _ = try await addAuthenticator(stack, setup)
            _ = try await setup.post("/profile/2fa/enable", ["phone_number": "+14155550172"])
            _ = try await setup.post("/profile/2fa/enable/confirm", ["code": try await stack.code(for: "+14155550172")])
            let before = try await stack.messages(to: "+14155550172").count

            let browser = stack.browser()
            _ = try await browser.login("yuri")
            let page = try await browser.get("/login/verify")
            #expect(page.body.contains(#"id="use-sms""#) && page.body.contains("authenticator app shows"))
            #expect(try await stack.messages(to: "+14155550172").count == before)
            let smsPage = try await browser.get("/login/verify?method=sms")
            #expect(smsPage.body.contains("We will send a code by SMS to <strong>+1••••••0172</strong>"))
            #expect(!smsPage.body.contains(#"name="code""#))
            let sent = try await browser.post("/login/verify/resend")
            #expect(sent.location == "/login/verify?method=sms")
            #expect(try await stack.messages(to: "+14155550172").count == before + 1)
            let ok = try await browser.post(
                "/login/verify", ["code": try await stack.code(for: "+14155550172"), "method": "sms"])
            #expect(ok.location == "/profile")
        }
    }

    @Test("the QR code is libqrencode's: version 1 for a short text, a clear error past the limit")
    func qrCode() throws {
        let small = try QRCode.svg("HELLO")
        // version 1 is 21 modules, plus a quiet zone of 4 on each side
        #expect(small.contains(#"viewBox="0 0 29 29""#))
        #expect(small.hasPrefix("<svg") && small.hasSuffix("</svg>"))
        let uri = try QRCode.svg("otpauth://totp/Auth%20Server:alice?secret=" + String(repeating: "A", count: 32))
        #expect(uri.contains(#"viewBox="0 0 41 41""#) || uri.contains(#"viewBox="0 0 45 45""#))
        #expect(throws: QRCode.TooLong.self) { try QRCode.svg(String(repeating: "x", count: 5000)) }
    }
}
