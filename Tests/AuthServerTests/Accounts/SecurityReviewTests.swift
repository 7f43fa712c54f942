import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VerifyEmulator
import VerifyEmulatorTesting
import VerifyWire

@testable import AuthServer

/// The security review's defects (issue 26), each sent as an attacker would: through the JSON
/// API or the pages, on SQLite and (with `AUTH_TEST_DATABASE_URL`) on PostgreSQL.
@Suite("Auth server: the security review's attacks are refused")
struct SecurityReviewTests {
    static let password = "correct-horse-battery"

    /// Registers `name` and returns an access token.
    func signUp(_ stack: Stack, _ name: String) async throws -> String {
        let (registered, _, _) = try await stack.json(
            .post, "/api/accounts/register",
            #"{"username": "\#(name)", "email": "\#(name)@example.com", "password": "\#(Self.password)"}"#)
        #expect(registered == .created)
        let (_, tokens, _) = try await stack.json(
            .post, "/api/accounts/login", #"{"login": "\#(name)", "password": "\#(Self.password)"}"#)
        return try #require(tokens["access_token"] as? String)
    }

    /// Turns the authenticator app on (with the password as proof) and returns it.
    func addAuthenticator(_ stack: Stack, _ token: String) async throws -> TOTPAuthenticator {
        let (status, enrolment, _) = try await stack.json(
            .post, "/api/accounts/2fa/totp", #"{"current_password": "\#(Self.password)"}"#, token: token)
        #expect(status == .ok)
        let app = try TOTPAuthenticator(uri: try #require(enrolment["uri"] as? String))
        let (confirmed, _, _) = try await stack.json(
            .post, "/api/accounts/2fa/totp/verify", #"{"code": "\#(nextCode(stack, app))"}"#, token: token)
        #expect(confirmed == .ok)
        return app
    }

    func nextCode(_ stack: Stack, _ app: TOTPAuthenticator) -> String {
        stack.emulatorClock.advance(by: .seconds(30))
        return app.code(at: stack.emulatorClock.now())
    }

    static func encode(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: .sortedKeys), as: UTF8.self)
    }

    // MARK: 1. A stolen access token alone adds no sign-in method

    @Test("a bearer token alone cannot add or remove a passkey, an app, SMS or recovery codes; a proof can")
    func stolenTokenAddsNothing() async throws {
        try await withAccounts { stack in
            let token = try await signUp(stack, "victim")
            let app = try await addAuthenticator(stack, token)
            // the attacker holds only the token
            for (method, path, body) in [
                (HTTPRequest.Method.post, "/api/accounts/passkeys/options", "{}"),
                (.post, "/api/accounts/passkeys/options", ""),
                (.post, "/api/accounts/2fa/enable", #"{"phone_number": "+14155550111"}"#),
                (.post, "/api/accounts/2fa/recovery-codes", "{}"),
                (.delete, "/api/accounts/2fa/totp", "{}"),
                (.delete, "/api/accounts/2fa/totp", ""),
            ] {
                let (status, body, _) = try await stack.json(method, path, body.isEmpty ? nil : body, token: token)
                #expect(status == .forbidden, "\(method) \(path)")
                #expect(
                    (body["errors"] as? [String: String])?["current_password"]?.contains("current_password") == true)
            }
            // a wrong password is refused, and counted
            let (wrong, wrongBody, _) = try await stack.json(
                .post, "/api/accounts/passkeys/options", #"{"current_password": "guess-guess-guess"}"#, token: token)
            #expect(wrong == .badRequest)
            #expect((wrongBody["errors"] as? [String: String])?["current_password"] != nil)
            // a wrong factor code too
            let (wrongCode, _, _) = try await stack.json(
                .post, "/api/accounts/2fa/recovery-codes", #"{"code": "000000", "method": "totp"}"#, token: token)
            #expect(wrongCode == .badRequest)
            // nothing was sent to the attacker's number
            #expect(try await stack.messages(to: "+14155550111").isEmpty)
            // the owner, with a fresh proof, can
            let (owner, options, _) = try await stack.json(
                .post, "/api/accounts/passkeys/options", #"{"current_password": "\#(Self.password)"}"#, token: token)
            #expect(owner == .ok && options["options"] != nil)
            let (codes, codesBody, _) = try await stack.json(
                .post, "/api/accounts/2fa/recovery-codes",
                #"{"code": "\#(nextCode(stack, app))", "method": "totp"}"#, token: token)
            #expect(codes == .ok && (codesBody["recovery_codes"] as? [String])?.count == 10)
        }
    }

    @Test("a passkey added by a token holder is refused, and a password reset removes every passkey")
    func resetRemovesPasskeys() async throws {
        try await withAccounts { stack in
            let token = try await signUp(stack, "owner")
            let (_, creation, _) = try await stack.json(
                .post, "/api/accounts/passkeys/options", #"{"current_password": "\#(Self.password)"}"#, token: token)
            let options = try #require(creation["options"] as? [String: Any])
            let publicKey = try #require(options["publicKey"] as? [String: Any])
            let userHandle = try #require((publicKey["user"] as? [String: Any])?["id"] as? String)
            let authenticator = SoftwareAuthenticator()
            let registration = authenticator.register(options: options, origin: "http://localhost:8000")
            let (added, _, _) = try await stack.json(
                .post, "/api/accounts/passkeys", try Self.encode(registration), token: token)
            #expect(added == .created)

            // the owner resets the password by email
            _ = try await stack.json(.post, "/api/accounts/password/reset", #"{"email": "owner@example.com"}"#)
            let code = try await stack.code(for: "owner@example.com")
            let (reset, _, _) = try await stack.json(
                .post, "/api/accounts/password/reset/confirm",
                #"{"email": "owner@example.com", "code": "\#(code)", "password": "a-new-long-password"}"#)
            #expect(reset == .ok)
            let (_, list, _) = try await stack.json(.get, "/api/accounts/passkeys", token: nil)
            #expect(list["passkeys"] == nil)  // the old token is refused
            let (_, tokens, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "owner", "password": "a-new-long-password"}"#)
            let fresh = try #require(tokens["access_token"] as? String)
            let (_, after, _) = try await stack.json(.get, "/api/accounts/passkeys", token: fresh)
            #expect((after["passkeys"] as? [Any])?.isEmpty == true)
            // and the passkey no longer signs in
            let (_, request, _) = try await stack.json(.post, "/api/accounts/login/passkey/options", "{}")
            let assertion = try authenticator.assert(
                options: try #require(request["options"] as? [String: Any]), origin: "http://localhost:8000",
                userHandle: userHandle)
            let (signIn, _, _) = try await stack.json(
                .post, "/api/accounts/login/passkey", try Self.encode(assertion))
            #expect(signIn == .badRequest)
        }
    }

    @Test("the pages: a signed-in session alone is sent to confirm the password before adding a method")
    func pagesAskForThePassword() async throws {
        try await withAccounts { stack in
            let browser = stack.browser()
            try await browser.register("pagevictim", confirming: false)
            let setup = try await browser.get("/profile/2fa/totp")
            #expect(setup.status == .seeOther && setup.location == "/profile/confirm?next=/profile/2fa/totp")
            let start = try await browser.post("/profile/2fa/totp/start")
            #expect(start.location == "/profile/confirm?next=/profile/2fa/totp")
            let sms = try await browser.post("/profile/2fa/enable", ["phone_number": "+14155550112"])
            #expect(sms.location == "/profile/confirm?next=/profile/2fa/enable")
            #expect(try await stack.messages(to: "+14155550112").isEmpty)
            let options = try await browser.post("/profile/passkeys/options")
            #expect(options.status == .forbidden && options.body.contains("/profile/confirm?next=/profile"))

            let confirm = try await browser.get("/profile/confirm?next=https://attacker.example/")
            #expect(confirm.body.contains(#"name="next" value="/profile""#))
            let wrong = try await browser.post(
                "/profile/confirm", ["current_password": "not-my-password", "next": "/profile/2fa/totp"])
            #expect(wrong.status == .badRequest && wrong.fieldError("current_password") != nil)
            let right = try await browser.post(
                "/profile/confirm", ["current_password": Self.password, "next": "/profile/2fa/totp"])
            #expect(right.status == .seeOther && right.location == "/profile/2fa/totp")
            let page = try await browser.get("/profile/2fa/totp")
            #expect(page.status == .ok)
            let started = try await browser.post("/profile/2fa/totp/start")
            #expect(started.location == "/profile/2fa/totp")
            // five minutes later the proof has lapsed
            stack.tokenClock.advance(AccountService.freshProofWindow + 1)
            #expect(
                try await browser.get("/profile/2fa/enable").location == "/profile/confirm?next=/profile/2fa/enable")
        }
    }

    // MARK: 3. Password-reset confirmation tells nothing

    @Test("a reset confirmation answers an unknown email exactly as a wrong code for a real one")
    func resetConfirmationTellsNothing() async throws {
        try await withAccounts { stack in
            _ = try await signUp(stack, "realuser")
            _ = try await stack.json(.post, "/api/accounts/password/reset", #"{"email": "realuser@example.com"}"#)
            _ = try await stack.json(.post, "/api/accounts/password/reset", #"{"email": "nobodyhere@example.com"}"#)
            _ = try await stack.code(for: "realuser@example.com")
            func confirm(_ email: String, _ password: String) async throws -> (HTTPResponse.Status, String) {
                let (status, body, _) = try await stack.json(
                    .post, "/api/accounts/password/reset/confirm",
                    #"{"email": "\#(email)", "code": "999999", "password": "\#(password)"}"#)
                return (status, try Self.encode(body))
            }
            // a wrong code, and a new password equal to the guessed username: the same answer
            let real = try await confirm("realuser@example.com", "realuser")
            #expect(real == (try await confirm("nobodyhere@example.com", "nobodyhere")))
            #expect(real.0 == .badRequest && !real.1.contains("username"))
            // past Verify's five wrong checks: still the same answer, no 429 for the real account
            for _ in 0..<5 {
                let again = try await confirm("realuser@example.com", "a-long-new-password")
                #expect(again == (try await confirm("nobodyhere@example.com", "a-long-new-password")))
                #expect(again.0 == .badRequest)
            }
        }
    }

    @Test("with the right code, the username rule applies, and the answer says to send a new code")
    func resetUsernameRuleAfterCode() async throws {
        try await withAccounts { stack in
            _ = try await signUp(stack, "longusername")
            _ = try await stack.json(.post, "/api/accounts/password/reset", #"{"email": "longusername@example.com"}"#)
            let code = try await stack.code(for: "longusername@example.com")
            let (status, body, _) = try await stack.json(
                .post, "/api/accounts/password/reset/confirm",
                #"{"email": "longusername@example.com", "code": "\#(code)", "password": "longusername"}"#)
            #expect(status == .badRequest)
            #expect((body["errors"] as? [String: String])?["password"]?.contains("username") == true)
        }
    }

    // MARK: 4. A login in flight ends with a password change

    @Test("a web login past the password step cannot finish after the password was changed")
    func pendingLoginEndsOnPasswordChange() async throws {
        try await withAccounts { stack in
            let token = try await signUp(stack, "inflight")
            let app = try await addAuthenticator(stack, token)
            let attacker = stack.browser()
            let pending = try await attacker.login("inflight")
            #expect(pending.location == "/login/verify")
            #expect(try await attacker.get("/login/verify?method=totp").status == .ok)
            // the owner changes the password (a login with the app first)
            let (_, challenge, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "inflight", "password": "\#(Self.password)"}"#)
            let (_, tokens, _) = try await stack.json(
                .post, "/api/accounts/login/verify",
                #"{"challenge": "\#(challenge["challenge"] as? String ?? "")", "code": "\#(nextCode(stack, app))"}"#)
            let ownerToken = try #require(tokens["access_token"] as? String)
            stack.tokenClock.advance(1)
            let (changed, _, _) = try await stack.json(
                .post, "/api/accounts/password",
                #"{"current_password": "\#(Self.password)", "password": "another-long-password"}"#, token: ownerToken)
            #expect(changed == .ok)
            // the attacker's second step, even with a right code, goes back to the login page
            let verify = try await attacker.post("/login/verify", ["method": "totp", "code": nextCode(stack, app)])
            #expect(verify.location == "/login")
            #expect(try await attacker.get("/profile").location == "/login")
        }
    }

    // MARK: 6, 7, 8. Limits

    @Test("registrations are limited per client IP before any password is hashed")
    func registrationLimit() async throws {
        try await withAccounts(configure: { $0.registerLimitPerIP = 3 }) { stack in
            for index in 0..<3 {
                let (status, _, _) = try await stack.json(
                    .post, "/api/accounts/register",
                    #"{"username": "many\#(index)", "email": "many\#(index)@example.com", "password": "\#(Self.password)"}"#
                )
                #expect(status == .created)
            }
            let (limited, _, headers) = try await stack.json(
                .post, "/api/accounts/register",
                #"{"username": "many9", "email": "many9@example.com", "password": "\#(Self.password)"}"#)
            #expect(limited == .tooManyRequests && headers[.retryAfter] != nil)
            let browser = stack.browser()
            _ = try await browser.get("/register")
            let page = try await browser.post(
                "/register",
                [
                    "username": "many8", "email": "many8@example.com", "password": Self.password,
                    "password_confirmation": Self.password,
                ])
            #expect(page.status == .tooManyRequests)
        }
    }

    @Test("the per-account login limit counts the account, whichever name it is asked by")
    func loginLimitPerAccount() async throws {
        try await withAccounts(configure: { $0.loginLimitPerAccount = 4 }) { stack in
            _ = try await signUp(stack, "spelled")  // one login
            for login in ["spelled", "SPELLED@example.com", "spelled@EXAMPLE.com"] {
                let (status, _, _) = try await stack.json(
                    .post, "/api/accounts/login", #"{"login": "\#(login)", "password": "wrong-password-1"}"#)
                #expect(status == .unauthorized)
            }
            let (limited, _, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "Spelled", "password": "\#(Self.password)"}"#)
            #expect(limited == .tooManyRequests)
        }
    }

    @Test("guessing the current password in a password change is limited, on the JSON API and the page")
    func currentPasswordGuessesLimited() async throws {
        try await withAccounts(configure: { $0.loginLimitPerAccount = 4 }) { stack in
            let token = try await signUp(stack, "guessed")  // one login
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<3 {
                let (status, _, _) = try await stack.json(
                    .post, "/api/accounts/password",
                    #"{"current_password": "guess-number-\#(index)", "password": "another-long-password"}"#,
                    token: token)
                statuses.append(status)
            }
            #expect(statuses == [.badRequest, .badRequest, .badRequest])
            let (limited, _, headers) = try await stack.json(
                .post, "/api/accounts/password",
                #"{"current_password": "\#(Self.password)", "password": "another-long-password"}"#, token: token)
            #expect(limited == .tooManyRequests && headers[.retryAfter] != nil)

            // the page: another account, its own count (the confirmation at registration is one)
            let browser = stack.browser()
            try await browser.register("pageguessed")
            _ = try await browser.get("/profile/password")
            for index in 0..<3 {
                let page = try await browser.post(
                    "/profile/password",
                    [
                        "current_password": "guess-number-\(index)", "password": "another-long-password",
                        "password_confirmation": "another-long-password",
                    ])
                #expect(page.status == .badRequest && page.fieldError("current_password") != nil)
            }
            let page = try await browser.post(
                "/profile/password",
                [
                    "current_password": Self.password, "password": "another-long-password",
                    "password_confirmation": "another-long-password",
                ])
            #expect(page.status == .tooManyRequests && page.alert?.contains("Too many attempts") == true)
        }
    }

    // MARK: 9. Cross-site simple requests

    @Test("the JSON API refuses bodies that are not application/json and cross-site requests")
    func crossSiteSimpleRequests() async throws {
        try await withAccounts { stack in
            let body = ByteBuffer(string: #"{"phone_number": "+14155550113"}"#)
            for contentType in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                let status = try await stack.auth.execute(
                    uri: "/api/auth/send-verification", method: .post, headers: [.contentType: contentType],
                    body: body
                ) { $0.status }
                #expect(status == .unsupportedMediaType, "\(contentType)")
            }
            let crossSite = try await stack.auth.execute(
                uri: "/api/auth/send-verification", method: .post,
                headers: [.contentType: "application/json", .init("Sec-Fetch-Site")!: "cross-site"], body: body
            ) { $0.status }
            #expect(crossSite == .forbidden)
            #expect(try await stack.messages(to: "+14155550113").isEmpty)
            let sameOrigin = try await stack.auth.execute(
                uri: "/api/auth/send-verification", method: .post,
                headers: [.contentType: "application/json; charset=utf-8", .init("Sec-Fetch-Site")!: "same-origin"],
                body: body
            ) { $0.status }
            #expect(sameOrigin == .ok)
        }
    }

    // MARK: 11, 12. Identifiers

    @Test("an email with a non-ASCII letter cannot squat the ASCII address it case-folds to")
    func kelvinSignEmail() async throws {
        try await withAccounts { stack in
            let (status, body, _) = try await stack.json(
                .post, "/api/accounts/register",
                #"{"username": "squatter", "email": "\#u{212A}ate@example.com", "password": "\#(Self.password)"}"#)
            #expect(status == .badRequest)
            #expect((body["errors"] as? [String: String])?["email"]?.contains("ASCII") == true)
            let (owner, _, _) = try await stack.json(
                .post, "/api/accounts/register",
                #"{"username": "kate", "email": "kate@example.com", "password": "\#(Self.password)"}"#)
            #expect(owner == .created)
        }
    }

    @Test("a phone number with combining marks, keycaps or variation selectors is refused before Verify")
    func phoneMarks() async throws {
        for text in ["+1415555012\u{0301}3", "+14155550123\u{FE0F}", "+1415555012\u{20E3}3", "+1４155550123"] {
            #expect(throws: PhoneNumber.Invalid.self, "\(text.unicodeScalars.map(\.value))") {
                try PhoneNumber.normalize(text)
            }
        }
        #expect(try PhoneNumber.normalize("+1 (415) 555-0123") == "+14155550123")
        try await withAccounts { stack in
            let (status, _, _) = try await stack.json(
                .post, "/api/auth/send-verification", #"{"phone_number": "+1415555012\u{0301}4"}"#)
            #expect(status == .badRequest)
            #expect(try await stack.messages(to: "+14155550124").isEmpty)
        }
    }
}
