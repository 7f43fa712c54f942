import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VerifyEmulatorTesting

@testable import AuthServer

@Suite("GET /metrics: logins, tokens, Twilio errors and latency in Prometheus' text format")
struct AuthMetricsTests {
    func scrape(_ stack: Stack) async throws -> PrometheusSamples {
        let (status, text, type) = try await stack.auth.execute(uri: "/metrics", method: .get) { response in
            (response.status, String(buffer: response.body), response.headers[.contentType])
        }
        #expect(status == .ok)
        #expect(type == "text/plain; version=0.0.4; charset=utf-8")
        return PrometheusSamples(text)
    }

    @Test("SMS logins, tokens issued and refused, Twilio's errors and latency move the counters")
    func smsLogins() async throws {
        try await withStack { stack in
            let before = try await scrape(stack)
            #expect(before["auth_server_build_info"] == 1)
            #expect(before["auth_server_logins_total"] == nil)

            let phone = "+14155550177"
            _ = try await stack.post("/api/auth/send-verification", #"{"phone_number": "\#(phone)"}"#)
            let code = try await stack.code(for: phone)
            let (wrong, _, _) = try await stack.post(
                "/api/auth/verify-code", #"{"phone_number": "\#(phone)", "code": "\#(wrongCode(code))"}"#)
            #expect(wrong == .badRequest)
            let (right, tokens, _) = try await stack.post(
                "/api/auth/verify-code", #"{"phone_number": "\#(phone)", "code": "\#(code)"}"#)
            #expect(right == .ok)
            let token = try #require(tokens["access_token"] as? String)

            #expect(try await stack.protected(nil).0 == .unauthorized)
            #expect(try await stack.protected("Bearer not.a.jwt").0 == .unauthorized)
            #expect(try await stack.protected("Bearer \(token)").0 == .ok)
            #expect(try await stack.bearerPost("/api/auth/logout", token).0 == .ok)
            #expect(try await stack.protected("Bearer \(token)").0 == .unauthorized)

            try await stack.addFault(#"{"endpoint": "verifications", "error": {"code": 60410}, "times": 1}"#)
            let (blocked, _, _) = try await stack.post(
                "/api/auth/send-verification", #"{"phone_number": "+14155550178"}"#)
            #expect(blocked == .forbidden)

            let after = try await scrape(stack)
            #expect(after["auth_server_logins_total", ["method": "sms", "result": "failure"]] == 1)
            #expect(after["auth_server_logins_total", ["method": "sms", "result": "success"]] == 1)
            #expect(after["auth_server_tokens_issued_total", ["kind": "access"]] == 1)
            #expect(after["auth_server_tokens_issued_total", ["kind": "refresh"]] == 1)
            #expect(after["auth_server_tokens_refused_total", ["reason": "missing"]] == 1)
            #expect(after["auth_server_tokens_refused_total", ["reason": "malformed"]] == 1)
            #expect(after["auth_server_tokens_refused_total", ["reason": "revoked"]] == 1)
            #expect(after["auth_server_twilio_errors_total", ["code": "60410"]] == 1)
            let starts = ["operation": "POST /v2/Services/:sid/Verifications"]
            #expect(after["auth_server_twilio_request_duration_seconds_count", starts] == 2)
            #expect(
                after[
                    "auth_server_twilio_request_duration_seconds_count",
                    ["operation": "POST /v2/Services/:sid/VerificationCheck"]] == 2)
            #expect(
                after["http_requests_total", ["route": "/api/auth/verify-code", "method": "POST", "status": "200"]] == 1
            )
            #expect(
                after["http_requests_total", ["route": "/api/auth/protected", "method": "GET", "status": "401"]] == 3)
            // no number or token reaches a label
            #expect(!after.samples.flatMap(\.labels.values).contains { $0.contains("+1415") || $0.contains("VA") })
        }
    }

    @Test("password logins count as password; a second step by its method")
    func passwordLogins() async throws {
        try await withAccounts { stack in
            let password = "correct-horse-battery"
            _ = try await stack.json(
                .post, "/api/accounts/register",
                #"{"username": "mina", "email": "mina@example.com", "password": "\#(password)"}"#)
            let (refused, _, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "mina", "password": "not-the-password"}"#)
            #expect(refused == .unauthorized)
            let (accepted, _, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "mina", "password": "\#(password)"}"#)
            #expect(accepted == .ok)
            let after = try await scrape(stack)
            #expect(after["auth_server_logins_total", ["method": "password", "result": "failure"]] == 1)
            #expect(after["auth_server_logins_total", ["method": "password", "result": "success"]] == 1)
            #expect(after["auth_server_tokens_issued_total", ["kind": "access"]] == 1)

            // with an authenticator app: the password step needs a second one, counted as totp
            let flows = TOTPAPITests()
            let token = try await flows.signUp(stack, "nils")
            let (app, _) = try await flows.addAuthenticator(stack, token)
            let login = try await flows.challenge(stack, "nils")
            let (wrong, _) = try await flows.verify(
                stack, login, code: wrongCode(flows.nextCode(stack, app)), method: "totp")
            #expect(wrong == .badRequest || wrong == .unauthorized)
            let (verified, _) = try await flows.verify(stack, login, code: flows.nextCode(stack, app), method: "totp")
            #expect(verified == .ok)
            let later = try await scrape(stack)
            #expect(later["auth_server_logins_total", ["method": "password", "result": "second_factor_required"]] == 1)
            #expect(later["auth_server_logins_total", ["method": "totp", "result": "failure"]] == 1)
            #expect(later["auth_server_logins_total", ["method": "totp", "result": "success"]] == 1)
        }
    }
}
