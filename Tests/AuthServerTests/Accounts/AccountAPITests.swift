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

@Suite("Auth server JSON accounts API")
struct AccountAPITests {
    @Test("register, log in, call protected routes with the account's JWT, refresh")
    func registerAndLogin() async throws {
        try await withAccounts { stack in
            let (created, account, _) = try await stack.json(
                .post, "/api/accounts/register",
                #"{"username": "olga", "email": "olga@example.com", "password": "correct-horse-battery"}"#)
            #expect(created == .created)
            let sid = try #require(account["account_sid"] as? String)
            #expect(sid.hasPrefix("US") && sid.count == 34)
            #expect(account["two_factor_enabled"] as? Bool == false)

            let (duplicate, duplicateBody, _) = try await stack.json(
                .post, "/api/accounts/register",
                #"{"username": "OLGA", "email": "other@example.com", "password": "correct-horse-battery"}"#)
            #expect(duplicate == .conflict)
            #expect((duplicateBody["errors"] as? [String: String])?["username"] == "This username is taken")
            let (invalid, invalidBody, _) = try await stack.json(
                .post, "/api/accounts/register", #"{"username": "p", "email": "x", "password": 5}"#)
            #expect(invalid == .badRequest)
            #expect((invalidBody["errors"] as? [String: String])?["password"] == "password is required")
            let (notJSON, notJSONBody, _) = try await stack.json(.post, "/api/accounts/register", "username=olga")
            #expect(notJSON == .badRequest)
            #expect((notJSONBody["message"] as? String)?.contains("must be JSON") == true)
            #expect((notJSONBody["message"] as? String)?.contains(#"{"username": "…", "email""#) == true)

            let (wrong, wrongBody, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"username": "olga", "password": "not-her-password"}"#)
            #expect(wrong == .unauthorized)
            #expect(wrongBody["message"] as? String == "Wrong username or password")

            let (ok, tokens, headers) = try await stack.json(
                .post, "/api/accounts/login", #"{"email": "OLGA@example.com", "password": "correct-horse-battery"}"#)
            #expect(ok == .ok)
            #expect(headers[.cacheControl] == "no-store")
            #expect(tokens["account_sid"] as? String == sid)
            #expect(tokens["token_type"] as? String == "Bearer")
            let access = try #require(tokens["access_token"] as? String)
            let (protectedStatus, protected, _) = try await stack.json(.get, "/api/auth/protected", token: access)
            #expect(protectedStatus == .ok)
            #expect(protected["username"] as? String == "olga")
            #expect(protected["account_sid"] as? String == sid)
            let (_, me, _) = try await stack.json(.get, "/api/accounts/me", token: access)
            #expect(me["email"] as? String == "olga@example.com")

            let refresh = try #require(tokens["refresh_token"] as? String)
            let (refreshed, next, _) = try await stack.json(
                .post, "/api/auth/refresh", #"{"refresh_token": "\#(refresh)"}"#)
            #expect(refreshed == .ok)
            #expect(next["account_sid"] as? String == sid)

            // a phone-login token is not an account token
            let phoneToken = try await stack.login("+14155550150")
            let (forbidden, _, _) = try await stack.json(.get, "/api/accounts/me", token: phoneToken)
            #expect(forbidden == .forbidden)
        }
    }

    @Test("two-factor over JSON: enable, log in with a challenge and the code, disable")
    func twoFactor() async throws {
        try await withAccounts { stack in
            _ = try await stack.json(
                .post, "/api/accounts/register",
                #"{"username": "pete", "email": "pete@example.com", "password": "correct-horse-battery"}"#)
            let (_, first, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "pete", "password": "correct-horse-battery"}"#)
            let access = try #require(first["access_token"] as? String)

            let (noPending, _, _) = try await stack.json(
                .post, "/api/accounts/2fa/enable/verify", #"{"code": "123456"}"#, token: access)
            #expect(noPending == .conflict)
            let (badPhone, badPhoneBody, _) = try await stack.json(
                .post, "/api/accounts/2fa/enable",
                #"{"phone_number": "555", "current_password": "correct-horse-battery"}"#, token: access)
            #expect(badPhone == .badRequest)
            #expect((badPhoneBody["errors"] as? [String: String])?["phone_number"] != nil)
            let (sent, _, _) = try await stack.json(
                .post, "/api/accounts/2fa/enable",
                #"{"phone_number": "+14155550151", "current_password": "correct-horse-battery"}"#, token: access)
            #expect(sent == .ok)
            let code = try await stack.code(for: "+14155550151")
            let (wrong, wrongBody, _) = try await stack.json(
                .post, "/api/accounts/2fa/enable/verify", #"{"code": "\#(wrongCode(code))"}"#, token: access)
            #expect(wrong == .badRequest)
            #expect((wrongBody["errors"] as? [String: String])?["code"]?.contains("not right") == true)
            let (enabled, enabledBody, _) = try await stack.json(
                .post, "/api/accounts/2fa/enable/verify", #"{"code": "\#(code)"}"#, token: access)
            #expect(enabled == .ok)
            #expect(enabledBody["two_factor_enabled"] as? Bool == true)
            // the number cannot be swapped while two-factor is on
            let (swap, swapBody, _) = try await stack.json(
                .post, "/api/accounts/2fa/enable",
                #"{"phone_number": "+14155550152", "current_password": "correct-horse-battery"}"#, token: access)
            #expect(swap == .conflict)
            #expect((swapBody["message"] as? String)?.contains("already on") == true)
            #expect(try await stack.messages(to: "+14155550152").isEmpty)

            let (challenged, challenge, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "pete", "password": "correct-horse-battery"}"#)
            #expect(challenged == .ok)
            #expect(challenge["two_factor_required"] as? Bool == true)
            #expect(challenge["access_token"] == nil)
            #expect(challenge["phone_number"] as? String == "+1••••••0151")
            let token = try #require(challenge["challenge"] as? String)
            let loginCode = try await stack.code(for: "+14155550151")
            let (badChallenge, _, _) = try await stack.json(
                .post, "/api/accounts/login/verify", #"{"challenge": "nope", "code": "\#(loginCode)"}"#)
            #expect(badChallenge == .unauthorized)
            let (wrongLogin, _, _) = try await stack.json(
                .post, "/api/accounts/login/verify", #"{"challenge": "\#(token)", "code": "\#(wrongCode(loginCode))"}"#)
            #expect(wrongLogin == .badRequest)
            let (resent, _, _) = try await stack.json(
                .post, "/api/accounts/login/resend", #"{"challenge": "\#(token)"}"#)
            #expect(resent == .ok)
            let (verified, tokens, _) = try await stack.json(
                .post, "/api/accounts/login/verify", #"{"challenge": "\#(token)", "code": "\#(loginCode)"}"#)
            #expect(verified == .ok)
            let second = try #require(tokens["access_token"] as? String)
            #expect(tokens["refresh_token"] is String)
            // the challenge is single use
            let (reused, _, _) = try await stack.json(
                .post, "/api/accounts/login/verify", #"{"challenge": "\#(token)", "code": "\#(loginCode)"}"#)
            #expect(reused == .unauthorized)

            let (disableSent, _, _) = try await stack.json(.post, "/api/accounts/2fa/disable", "{}", token: second)
            #expect(disableSent == .ok)
            let disableCode = try await stack.code(for: "+14155550151")
            let (disabled, disabledBody, _) = try await stack.json(
                .post, "/api/accounts/2fa/disable/verify", #"{"code": "\#(disableCode)"}"#, token: second)
            #expect(disabled == .ok)
            #expect(disabledBody["two_factor_enabled"] as? Bool == false)
            let (alreadyOff, _, _) = try await stack.json(.post, "/api/accounts/2fa/disable", "{}", token: second)
            #expect(alreadyOff == .conflict)
            let (plain, plainTokens, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "pete", "password": "correct-horse-battery"}"#)
            #expect(plain == .ok)
            #expect(plainTokens["access_token"] is String)
        }
    }

    @Test("password change and reset over JSON revoke tokens")
    func passwords() async throws {
        try await withAccounts { stack in
            _ = try await stack.json(
                .post, "/api/accounts/register",
                #"{"username": "quinn", "email": "quinn@example.com", "password": "correct-horse-battery"}"#)
            let (_, login, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "quinn", "password": "correct-horse-battery"}"#)
            let access = try #require(login["access_token"] as? String)
            stack.tokenClock.advance(2)
            let (wrong, _, _) = try await stack.json(
                .post, "/api/accounts/password", #"{"current_password": "nope", "password": "another-pass-1"}"#,
                token: access)
            #expect(wrong == .badRequest)
            let (changed, _, _) = try await stack.json(
                .post, "/api/accounts/password",
                #"{"current_password": "correct-horse-battery", "password": "another-pass-1"}"#, token: access)
            #expect(changed == .ok)
            let (revoked, _, _) = try await stack.json(.get, "/api/accounts/me", token: access)
            #expect(revoked == .unauthorized)

            let (requested, _, _) = try await stack.json(
                .post, "/api/accounts/password/reset", #"{"email": "quinn@example.com"}"#)
            #expect(requested == .ok)
            let code = try await stack.code(for: "quinn@example.com")
            let (reset, _, _) = try await stack.json(
                .post, "/api/accounts/password/reset/confirm",
                #"{"email": "quinn@example.com", "code": "\#(code)", "password": "third-pass-123"}"#)
            #expect(reset == .ok)
            let (ok, _, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "quinn", "password": "third-pass-123"}"#)
            #expect(ok == .ok)
        }
    }

    @Test("a token issued in the same second as a password change is refused; a new login then works")
    func passwordChangeInTheSameSecond() async throws {
        // the token clock stands still: the login, the change and the new login share one second
        try await withAccounts(frozenTokenClock: true) { stack in
            _ = try await stack.json(
                .post, "/api/accounts/register",
                #"{"username": "rhea", "email": "rhea@example.com", "password": "correct-horse-battery"}"#)
            let (_, login, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "rhea", "password": "correct-horse-battery"}"#)
            let before = try #require(login["access_token"] as? String)
            let (changed, _, _) = try await stack.json(
                .post, "/api/accounts/password",
                #"{"current_password": "correct-horse-battery", "password": "another-pass-1"}"#, token: before)
            #expect(changed == .ok)
            let (refused, refusedBody, _) = try await stack.json(.get, "/api/accounts/me", token: before)
            #expect(refused == .unauthorized)
            #expect(refusedBody["msg"] as? String == "Token has been revoked")
            let (_, again, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "rhea", "password": "another-pass-1"}"#)
            let after = try #require(again["access_token"] as? String)
            #expect(try await stack.json(.get, "/api/accounts/me", token: after).0 == .ok)
        }
    }

    @Test("a NUL or another control character in a password is refused, and never logs in as the text before it")
    func controlCharacters() async throws {
        try await withAccounts { stack in
            for password in [#"\u0000MyLongSecretPassword"#, #"abcdefgh\u0000suffix"#, #"tab\there-ok"#] {
                let (status, body, _) = try await stack.json(
                    .post, "/api/accounts/register",
                    #"{"username": "sam", "email": "sam@example.com", "password": "\#(password)"}"#)
                #expect(status == .badRequest, "\(password)")
                #expect(
                    (body["errors"] as? [String: String])?["password"]?.contains("no control characters") == true,
                    "\(body)")
            }
            // an account whose password is the text before a NUL: the NUL version must not match
            _ = try await stack.json(
                .post, "/api/accounts/register",
                #"{"username": "sam", "email": "sam@example.com", "password": "abcdefgh"}"#)
            let (refused, _, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "sam", "password": "abcdefgh\u0000anything"}"#)
            #expect(refused == .unauthorized)
            let (accepted, _, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "sam", "password": "abcdefgh"}"#)
            #expect(accepted == .ok)
        }
    }

    @Test("password-reset requests are limited alike whether or not the email has an account")
    func resetLimitsDoNotTellWhichEmailsExist() async throws {
        try await withAccounts(configure: { $0.sendLimitPerPhone = 2 }) { stack in
            _ = try await stack.json(
                .post, "/api/accounts/register",
                #"{"username": "tess", "email": "tess@example.com", "password": "correct-horse-battery"}"#)
            for email in ["tess@example.com", "nobody@example.com"] {
                var statuses: [HTTPResponse.Status] = []
                for _ in 0..<3 {
                    statuses.append(
                        try await stack.json(.post, "/api/accounts/password/reset", #"{"email": "\#(email)"}"#).0)
                }
                #expect(statuses == [.ok, .ok, .tooManyRequests], "\(email)")
            }
        }
    }

    @Test("a reset request does not wait on Twilio: the answer comes before the send has happened")
    func resetAnswersBeforeTheSend() async throws {
        // every send to the account's email is held 3 s at "Twilio" before it is made; an answer
        // that waited for the send would find the code already in the inbox. (Causal, not a race of
        // two wall-clock figures: a loaded machine slows every request, not the order of events.)
        try await withStack(
            configure: { $0.bcryptCost = 4 },
            emulator: {
                $0.faults = [FaultRule(endpoint: .verifications, to: "uma@example.com", latencyMs: 3000)]
            }
        ) { stack in
            _ = try await stack.json(
                .post, "/api/accounts/register",
                #"{"username": "uma", "email": "uma@example.com", "password": "correct-horse-battery"}"#)
            let (status, body, _) = try await stack.json(
                .post, "/api/accounts/password/reset", #"{"email": "uma@example.com"}"#)
            #expect(status == .ok)
            #expect(body["message"] as? String != nil)
            #expect(try await stack.messages(to: "uma@example.com").isEmpty, "answered only after the send")
            // the code still arrives, after the answer
            #expect(try await stack.messages(to: "uma@example.com", waitMilliseconds: 8000).count == 1)
        }
    }

    @Test("too many password logins are limited per login name, with Retry-After")
    func loginLimit() async throws {
        try await withAccounts(configure: { $0.loginLimitPerAccount = 3 }) { stack in
            for _ in 0..<3 {
                let (status, _, _) = try await stack.json(
                    .post, "/api/accounts/login", #"{"login": "rita", "password": "guess-guess"}"#)
                #expect(status == .unauthorized)
            }
            let (limited, body, headers) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "RITA", "password": "guess-guess"}"#)
            #expect(limited == .tooManyRequests)
            #expect(headers[.retryAfter] != nil)
            #expect((body["message"] as? String)?.contains("Too many attempts") == true)
        }
    }
}
