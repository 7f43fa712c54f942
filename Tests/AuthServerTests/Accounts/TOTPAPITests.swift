import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VerifyEmulator
import VerifyEmulatorTesting
import VerifyWire

@testable import AuthServer

/// The authenticator-app (TOTP) second factor and recovery codes through the JSON API, against
/// the real emulator: codes are computed from the `otpauth://` URI the API returns, as an app would.
@Suite("Auth server JSON API: authenticator app and recovery codes")
struct TOTPAPITests {
    static let password = "correct-horse-battery"

    /// Registers `name` and returns an access token.
    func signUp(_ stack: Stack, _ name: String) async throws -> String {
        _ = try await stack.json(
            .post, "/api/accounts/register",
            #"{"username": "\#(name)", "email": "\#(name)@example.com", "password": "\#(Self.password)"}"#)
        let (_, tokens, _) = try await stack.json(
            .post, "/api/accounts/login", #"{"login": "\#(name)", "password": "\#(Self.password)"}"#)
        return try #require(tokens["access_token"] as? String)
    }

    /// Adds an authenticator app and returns it with the JSON of the confirmation.
    func addAuthenticator(_ stack: Stack, _ token: String) async throws -> (TOTPAuthenticator, [String: Any]) {
        let (status, enrolment, headers) = try await stack.json(
            .post, "/api/accounts/2fa/totp", #"{"current_password": "correct-horse-battery"}"#, token: token)
        #expect(status == .ok)
        #expect(headers[.cacheControl] == "no-store")
        #expect((enrolment["factor_sid"] as? String)?.hasPrefix("YF") == true)
        let app = try TOTPAuthenticator(uri: try #require(enrolment["uri"] as? String))
        #expect(enrolment["secret"] as? String == Base32.encode(app.totp.secret))
        let (confirmed, body, _) = try await stack.json(
            .post, "/api/accounts/2fa/totp/verify", #"{"code": "\#(nextCode(stack, app))"}"#, token: token)
        #expect(confirmed == .ok)
        return (app, body)
    }

    /// The app's code for the next time step: the emulator (like the server) takes each step's code once.
    func nextCode(_ stack: Stack, _ app: TOTPAuthenticator) -> String {
        stack.emulatorClock.advance(by: .seconds(30))
        return app.code(at: stack.emulatorClock.now())
    }

    func challenge(_ stack: Stack, _ name: String) async throws -> [String: Any] {
        let (status, body, _) = try await stack.json(
            .post, "/api/accounts/login", #"{"login": "\#(name)", "password": "\#(Self.password)"}"#)
        #expect(status == .ok)
        #expect(body["two_factor_required"] as? Bool == true && body["access_token"] == nil)
        return body
    }

    func verify(
        _ stack: Stack, _ challenge: [String: Any], code: String, method: String?
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        let token = try #require(challenge["challenge"] as? String)
        let methodField = method.map { #", "method": "\#($0)""# } ?? ""
        let (status, body, _) = try await stack.json(
            .post, "/api/accounts/login/verify", #"{"challenge": "\#(token)", "code": "\#(code)"\#(methodField)}"#)
        return (status, body)
    }

    @Test("enrol with the URI's codes, log in with password + TOTP; a wrong or replayed code is refused")
    func enrolAndLogIn() async throws {
        try await withAccounts { stack in
            let token = try await signUp(stack, "quinn")
            let (nothingPending, _, _) = try await stack.json(
                .post, "/api/accounts/2fa/totp/verify", #"{"code": "123456"}"#, token: token)
            #expect(nothingPending == .conflict)

            let (_, enrolment, _) = try await stack.json(
                .post, "/api/accounts/2fa/totp", #"{"current_password": "correct-horse-battery"}"#, token: token)
            let app = try TOTPAuthenticator(uri: try #require(enrolment["uri"] as? String))
            #expect(app.accountName == "quinn" && app.issuer == "Auth Server (dev)")
            let (badFormat, badFormatBody, _) = try await stack.json(
                .post, "/api/accounts/2fa/totp/verify", #"{"code": "12ab"}"#, token: token)
            #expect(badFormat == .badRequest)
            #expect((badFormatBody["errors"] as? [String: String])?["code"]?.contains("authenticator") == true)
            let right = nextCode(stack, app)
            let (wrong, wrongBody, _) = try await stack.json(
                .post, "/api/accounts/2fa/totp/verify", #"{"code": "\#(wrongCode(right))"}"#, token: token)
            #expect(wrong == .badRequest)
            #expect((wrongBody["errors"] as? [String: String])?["code"] == AccountService.wrongTOTPCode)
            let (confirmed, state, _) = try await stack.json(
                .post, "/api/accounts/2fa/totp/verify", #"{"code": "\#(right)"}"#, token: token)
            #expect(confirmed == .ok)
            #expect(state["two_factor_enabled"] as? Bool == true)
            #expect(state["methods"] as? [String] == ["totp"])
            let codes = try #require(state["recovery_codes"] as? [String])
            #expect(codes.count == 10 && Set(codes).count == 10)
            #expect(codes.allSatisfy { RecoveryCodes.normalized($0) != nil })
            let (again, _, _) = try await stack.json(
                .post, "/api/accounts/2fa/totp", #"{"current_password": "correct-horse-battery"}"#, token: token)
            #expect(again == .conflict)
            let (_, me, _) = try await stack.json(.get, "/api/accounts/me", token: token)
            #expect(me["methods"] as? [String] == ["totp"] && me["two_factor_enabled"] as? Bool == true)

            let first = try await challenge(stack, "quinn")
            #expect(first["methods"] as? [String] == ["totp"])
            #expect(first["sms_sent"] as? Bool == false && first["phone_number"] == nil)
            let code = nextCode(stack, app)
            let (refused, refusedBody) = try await verify(stack, first, code: wrongCode(code), method: nil)
            #expect(refused == .badRequest)
            #expect((refusedBody["errors"] as? [String: String])?["code"] == AccountService.wrongTOTPCode)
            let (accepted, tokens) = try await verify(stack, first, code: code, method: "totp")
            #expect(accepted == .ok)
            let access = try #require(tokens["access_token"] as? String)
            let (protectedStatus, protected, _) = try await stack.json(.get, "/api/auth/protected", token: access)
            #expect(protectedStatus == .ok && protected["username"] as? String == "quinn")

            // the same code again, within its window, signs nobody in
            let second = try await challenge(stack, "quinn")
            let (replayed, _) = try await verify(stack, second, code: code, method: "totp")
            #expect(replayed == .badRequest)
            let (unknown, unknownBody) = try await verify(stack, second, code: code, method: "carrier-pigeon")
            #expect(unknown == .badRequest)
            #expect((unknownBody["errors"] as? [String: String])?["method"]?.contains("totp, recovery") == true)
            let (notOn, _) = try await verify(stack, second, code: "123456", method: "sms")
            #expect(notOn == .conflict)
        }
    }

    @Test("recovery codes sign in once each; a new set voids the old and needs a fresh code")
    func recoveryCodes() async throws {
        try await withAccounts { stack in
            let token = try await signUp(stack, "rosa")
            let (app, state) = try await addAuthenticator(stack, token)
            let codes = try #require(state["recovery_codes"] as? [String])

            let first = try await challenge(stack, "rosa")
            let (badShape, _) = try await verify(stack, first, code: "not-a-code", method: "recovery")
            #expect(badShape == .badRequest)
            // typed as people do: capitals, no dash
            let typed = codes[0].uppercased().replacingOccurrences(of: "-", with: "")
            let (used, tokens) = try await verify(stack, first, code: typed, method: "recovery")
            #expect(used == .ok && tokens["access_token"] is String)
            let second = try await challenge(stack, "rosa")
            let (reused, reusedBody) = try await verify(stack, second, code: codes[0], method: "recovery")
            #expect(reused == .badRequest)
            #expect((reusedBody["errors"] as? [String: String])?["code"]?.contains("already used") == true)

            let (noProof, _, _) = try await stack.json(
                .post, "/api/accounts/2fa/recovery-codes", #"{"code": "000000", "method": "totp"}"#, token: token)
            #expect(noProof == .badRequest)
            let (renewed, renewedBody, headers) = try await stack.json(
                .post, "/api/accounts/2fa/recovery-codes", #"{"code": "\#(nextCode(stack, app))"}"#, token: token)
            #expect(renewed == .ok && headers[.cacheControl] == "no-store")
            let fresh = try #require(renewedBody["recovery_codes"] as? [String])
            #expect(fresh.count == 10 && Set(fresh).isDisjoint(with: codes))
            let (old, _) = try await verify(stack, second, code: codes[1], method: "recovery")
            #expect(old == .badRequest)
            let (new, _) = try await verify(stack, second, code: fresh[0], method: "recovery")
            #expect(new == .ok)
        }
    }

    @Test("SMS and TOTP both on: the client chooses, no SMS until asked; removing needs a fresh code")
    func bothFactors() async throws {
        try await withAccounts { stack in
            let token = try await signUp(stack, "sven")
            let phone = "+14155550161"
            _ = try await stack.json(
                .post, "/api/accounts/2fa/enable",
                #"{"phone_number": "\#(phone)", "current_password": "correct-horse-battery"}"#, token: token)
            let (_, smsState, _) = try await stack.json(
                .post, "/api/accounts/2fa/enable/verify", #"{"code": "\#(try await stack.code(for: phone))"}"#,
                token: token)
            // the first factor issues the recovery codes; the second does not issue new ones
            #expect((smsState["recovery_codes"] as? [String])?.count == 10)
            let (app, totpState) = try await addAuthenticator(stack, token)
            #expect(totpState["recovery_codes"] == nil)
            #expect(totpState["methods"] as? [String] == ["totp", "sms"])

            let sentBefore = try await stack.messages(to: phone).count
            let login = try await challenge(stack, "sven")
            #expect(login["methods"] as? [String] == ["totp", "sms"])
            #expect(login["sms_sent"] as? Bool == false && login["phone_number"] as? String == "+1••••••0161")
            #expect(try await stack.messages(to: phone).count == sentBefore)
            let (unsaid, unsaidBody) = try await verify(stack, login, code: "123456", method: nil)
            #expect(unsaid == .badRequest && (unsaidBody["errors"] as? [String: String])?["method"] != nil)
            let challengeToken = try #require(login["challenge"] as? String)
            let (cannotSend, _, _) = try await stack.json(
                .post, "/api/accounts/login/resend", #"{"challenge": "\#(challengeToken)", "method": "totp"}"#)
            #expect(cannotSend == .badRequest)
            let (sent, _, _) = try await stack.json(
                .post, "/api/accounts/login/resend", #"{"challenge": "\#(challengeToken)", "method": "sms"}"#)
            #expect(sent == .ok)
            #expect(try await stack.messages(to: phone).count == sentBefore + 1)
            let (bySMS, tokens) = try await verify(stack, login, code: try await stack.code(for: phone), method: "sms")
            #expect(bySMS == .ok)
            let access = try #require(tokens["access_token"] as? String)

            let (stale, _, _) = try await stack.json(
                .delete, "/api/accounts/2fa/totp",
                #"{"code": "\#(wrongCode(app.code(at: stack.emulatorClock.now())))"}"#,
                token: access)
            #expect(stale == .badRequest)
            let (removed, removedState, _) = try await stack.json(
                .delete, "/api/accounts/2fa/totp", #"{"code": "\#(nextCode(stack, app))"}"#, token: access)
            #expect(removed == .ok)
            #expect(
                removedState["methods"] as? [String] == ["sms"] && removedState["two_factor_enabled"] as? Bool == true)
            let (gone, _, _) = try await stack.json(
                .delete, "/api/accounts/2fa/totp", #"{"code": "123456"}"#, token: access)
            #expect(gone == .conflict)
            // the factor is gone from Verify as well
            let identity = try await accountSid(stack, access)
            let factors = try await stack.emulator.client.execute(
                uri: "/v2/Services/\(try await stack.serviceSid())/Entities/\(identity)/Factors", method: .get,
                headers: [.authorization: basicAuthorization]
            ) { response in String(buffer: response.body) }
            #expect(factors.contains(#""factors":[]"#))

            // the last factor goes too: two-factor is off and the recovery codes with it
            _ = try await stack.json(.post, "/api/accounts/2fa/disable", "{}", token: access)
            let (off, offState, _) = try await stack.json(
                .post, "/api/accounts/2fa/disable/verify", #"{"code": "\#(try await stack.code(for: phone))"}"#,
                token: access)
            #expect(off == .ok && offState["two_factor_enabled"] as? Bool == false)
            #expect(offState["methods"] as? [String] == [])
            let (noCodes, _, _) = try await stack.json(
                .post, "/api/accounts/2fa/recovery-codes", #"{"code": "123456"}"#, token: access)
            #expect(noCodes == .conflict)
            let (plain, plainTokens, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "sven", "password": "\#(Self.password)"}"#)
            #expect(plain == .ok && plainTokens["access_token"] is String)
        }
    }

    @Test("Verify failing during enrolment or login answers a clear 502, and nothing is half-changed")
    func verifyOutage() async throws {
        try await withAccounts(configure: { $0.verify.timeout = .seconds(5) }) { stack in
            let token = try await signUp(stack, "tove")
            try await stack.addFault(#"{"endpoint": "factors", "error": {"code": 20500, "status": 500}, "times": 1}"#)
            let (failed, failedBody, _) = try await stack.json(
                .post, "/api/accounts/2fa/totp", #"{"current_password": "correct-horse-battery"}"#, token: token)
            #expect(failed == .badGateway)
            #expect(failedBody["message"] as? String == "The verification service failed")
            let (app, _) = try await addAuthenticator(stack, token)

            let login = try await challenge(stack, "tove")
            // held 8 s: the 504 is the 5 s timeout's
            try await stack.addFault(#"{"endpoint": "challenges", "latency_ms": 8000, "times": 1}"#)
            let (slow, slowBody) = try await verify(stack, login, code: nextCode(stack, app), method: "totp")
            #expect(slow == .gatewayTimeout)
            #expect(slowBody["message"] as? String == "The verification service did not answer in time")
            let (retried, tokens) = try await verify(stack, login, code: nextCode(stack, app), method: "totp")
            #expect(retried == .ok && tokens["access_token"] is String)
        }
    }

    func accountSid(_ stack: Stack, _ token: String) async throws -> String {
        let (_, me, _) = try await stack.json(.get, "/api/accounts/me", token: token)
        return try #require(me["account_sid"] as? String)
    }
}
