import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VerifyEmulator

@testable import AuthServer

/// The admin API, the audit log and account deletion, on the suite's database with the
/// emulator as Verify.
@Suite("Auth server: admin API, audit log, deletion")
struct AdminTests {
    static let adminToken = "admin-0123456789abcdefghijklmnopqrstuvwxyz"

    static func configure(_ configuration: inout AuthConfiguration) {
        configuration.adminToken = adminToken
        configuration.smsGate.reviewNumbers.codes = ["+15555550150": "909090"]
    }

    static func admin(
        _ stack: Stack, _ method: HTTPRequest.Method, _ path: String
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        let (status, body, _) = try await stack.json(method, path, token: adminToken)
        return (status, body)
    }

    static func events(_ stack: Stack, _ query: String) async throws -> [[String: Any]] {
        let (status, body) = try await admin(stack, .get, "/api/admin/audit?" + query)
        #expect(status == .ok)
        return body["events"] as? [[String: Any]] ?? []
    }

    @Test("without ADMIN_TOKEN every admin path is the 404 of an unknown path; with it, a wrong token is 401")
    func guarded() async throws {
        try await withAccounts { stack in
            for path in ["/api/admin/accounts", "/api/admin/audit", "/api/admin/accounts/alice"] {
                let (status, body, _) = try await stack.json(.get, path, token: Self.adminToken)
                #expect(status == .notFound && body["message"] as? String == "Not found")
            }
        }
        try await withAccounts(configure: Self.configure) { stack in
            #expect(try await stack.json(.get, "/api/admin/accounts").0 == .unauthorized)
            let (wrong, body, headers) = try await stack.json(.get, "/api/admin/accounts", token: Self.adminToken + "x")
            #expect(wrong == .unauthorized && headers[.wwwAuthenticate] == "Bearer")
            #expect((body["message"] as? String)?.contains("ADMIN_TOKEN") == true)
            // a user's own access token is no admin token
            let access = try await stack.signUp("notadmin")
            #expect(try await stack.json(.get, "/api/admin/accounts", token: access).0 == .unauthorized)
            #expect(try await Self.admin(stack, .get, "/api/admin/accounts").0 == .ok)
        }
    }

    @Test(
        "an SMS login's event, written with its tokens: once, with its method and address, in order with the others"
    )
    func smsLoginEvent() async throws {
        try await withAccounts(configure: Self.configure) { stack in
            // other rows first: an account's login and events of another number
            _ = try await stack.signUp("carol")
            _ = try await stack.login("+14155550181")
            _ = try await stack.login("+14155550180")
            let succeeded = try await Self.events(stack, "subject=%2B14155550180&type=login.succeeded")
            #expect(succeeded.count == 1)
            #expect((succeeded.first?["detail"] as? [String: String]) == ["method": "sms"])
            #expect(succeeded.first?["ip"] as? String == "127.0.0.1")
            _ = try await stack.post("/api/auth/send-verification", #"{"phone_number": "+14155550180"}"#)
            let (wrong, _, _) = try await stack.post(
                "/api/auth/verify-code", #"{"phone_number": "+14155550180", "code": "000000"}"#)
            #expect(wrong == .badRequest)
            let all = try await Self.events(stack, "subject=%2B14155550180")
            #expect(
                all.compactMap { $0["type"] as? String } == [
                    "login.failed", "code.sent", "login.succeeded", "code.sent",
                ])
            #expect(try await Self.events(stack, "type=login.succeeded").count == 3)
        }
    }

    @Test("find, show, disable, enable, sign out, remove factors, delete: each in the audit log as the admin's")
    func manageAccount() async throws {
        try await withAccounts(configure: Self.configure) { stack in
            let alice = try await stack.signUp("alice")
            _ = try await stack.signUp("bob")
            _ = try await stack.signUp("ali_ce2")
            // a second factor, so there is one to remove
            #expect(
                try await stack.json(
                    .post, "/api/accounts/2fa/enable",
                    #"{"phone_number": "+15555550150", "current_password": "correct-horse-battery"}"#, token: alice
                ).0 == .ok)
            #expect(
                try await stack.json(.post, "/api/accounts/2fa/enable/verify", #"{"code": "909090"}"#, token: alice)
                    .0 == .ok)

            var (status, body) = try await Self.admin(stack, .get, "/api/admin/accounts?q=ALI")
            #expect(status == .ok)
            #expect(
                (body["accounts"] as? [[String: Any]])?.compactMap { $0["username"] as? String } == [
                    "alice", "ali_ce2",
                ])
            // LIKE's wildcards in the text match only themselves
            (_, body) = try await Self.admin(stack, .get, "/api/admin/accounts?q=i_c")
            #expect((body["accounts"] as? [[String: Any]])?.compactMap { $0["username"] as? String } == ["ali_ce2"])
            (_, body) = try await Self.admin(stack, .get, "/api/admin/accounts?q=5555550150")
            let found = try #require((body["accounts"] as? [[String: Any]])?.first)
            let sid = try #require(found["account_sid"] as? String)
            #expect(found["username"] as? String == "alice" && found["phone_number"] as? String == "+15555550150")
            #expect(try await Self.admin(stack, .get, "/api/admin/accounts?limit=0").0 == .badRequest)

            (status, body) = try await Self.admin(stack, .get, "/api/admin/accounts/\(sid)")
            #expect(status == .ok && body["methods"] as? [String] == ["sms"])
            #expect(body["recovery_codes_left"] as? Int == RecoveryCodes.count)
            #expect((body["sessions"] as? [[String: Any]])?.count == 1)
            #expect(body["password_hash"] == nil)
            #expect(try await Self.admin(stack, .get, "/api/admin/accounts/alice@example.com").0 == .ok)
            let (missing, missingBody) = try await Self.admin(stack, .get, "/api/admin/accounts/nobody")
            #expect(missing == .notFound && missingBody["message"] as? String == "No account nobody")

            (status, body) = try await Self.admin(stack, .post, "/api/admin/accounts/\(sid)/disable")
            #expect(status == .ok && body["disabled"] as? Bool == true)
            #expect(try await stack.protected("Bearer \(alice)").0 == .unauthorized)
            (status, body) = try await Self.admin(stack, .post, "/api/admin/accounts/alice/enable")
            #expect(status == .ok && body["disabled"] as? Bool == false)
            // disabling voided every token issued before it; a new login works
            let (_, login, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "bob", "password": "correct-horse-battery"}"#)
            let bob = try #require(login["access_token"] as? String)
            (status, body) = try await Self.admin(stack, .delete, "/api/admin/accounts/bob/sessions")
            #expect(status == .ok && body["ended"] as? Int == 2)
            #expect(try await stack.protected("Bearer \(bob)").0 == .unauthorized)

            (status, body) = try await Self.admin(stack, .delete, "/api/admin/accounts/\(sid)/factors")
            #expect(status == .ok && body["removed"] as? [String] == ["sms"])
            (_, body) = try await Self.admin(stack, .get, "/api/admin/accounts/\(sid)")
            #expect(body["methods"] as? [String] == [] && body["recovery_codes_left"] as? Int == 0)

            (status, body) = try await Self.admin(stack, .delete, "/api/admin/accounts/\(sid)")
            #expect(status == .ok)
            #expect(try await Self.admin(stack, .get, "/api/admin/accounts/\(sid)").0 == .notFound)
            #expect(
                try await stack.json(
                    .post, "/api/accounts/login", #"{"login": "alice", "password": "correct-horse-battery"}"#
                ).0 == .unauthorized)
            // its Verify entity was asked to go
            let calls = try await SMSGateTests.verifyRequests(stack)
            #expect(
                calls.contains {
                    $0["method"] as? String == "DELETE"
                        && ($0["path"] as? String)?.hasSuffix("/Entities/\(sid)") == true
                })

            let trail = try await Self.events(stack, "subject=\(sid)&limit=50")
            let types = trail.compactMap { $0["type"] as? String }
            #expect(
                types == [
                    "account.deleted", "factor.removed", "account.enabled", "account.disabled", "factor.added",
                    "code.sent", "login.succeeded", "account.created",
                ])
            let byAdmin = trail.filter { $0["actor"] as? String == "admin" }.compactMap { $0["type"] as? String }
            #expect(byAdmin == ["account.deleted", "factor.removed", "account.enabled", "account.disabled"])
            #expect(trail.allSatisfy { $0["ip"] as? String == "127.0.0.1" })
            let bobTrail = try await Self.events(stack, "type=session.revoked")
            #expect(bobTrail.count == 1 && (bobTrail.first?["detail"] as? [String: String])?["reason"] == "admin")
        }
    }

    @Test("the audit log's filters and pages; a malformed filter is a 400 naming it")
    func auditFilters() async throws {
        try await withAccounts(configure: Self.configure) { stack in
            _ = try await stack.signUp("carol")
            _ = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "carol", "password": "wrong-horse-battery"}"#)
            _ = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "nobody-here", "password": "wrong-horse-battery"}"#)
            let failed = try await Self.events(stack, "type=login.failed")
            #expect(failed.count == 2)
            #expect(failed.first?["subject"] == nil)
            #expect(
                (failed.first?["detail"] as? [String: String]) == [
                    "login": "nobody-here", "method": "password", "result": "failure",
                ])
            #expect(failed.last?["subject"] as? String != nil)
            let both = try await Self.events(stack, "type=login.failed,account.created")
            #expect(both.count == 3)
            // pages: one at a time, newest first
            let (_, page) = try await Self.admin(stack, .get, "/api/admin/audit?limit=1")
            let first = try #require((page["events"] as? [[String: Any]])?.first?["id"] as? Int)
            let before = try #require(page["next_before"] as? Int)
            let older = try await Self.events(stack, "limit=1&before=\(before)")
            #expect((older.first?["id"] as? Int).map { $0 < first } == true)
            #expect(try await Self.events(stack, "since=2999-01-01T00:00:00Z").isEmpty)
            #expect(try await Self.events(stack, "until=0").isEmpty)
            #expect(try await Self.events(stack, "since=0").count >= 4)
            for (query, named) in [
                ("type=login.maybe", "type: 'login.maybe'"), ("since=yesterday", "since: 'yesterday'"),
                ("until=2026-13-01", "until: '2026-13-01'"), ("before=x", "before: 'x'"), ("limit=501", "limit: '501'"),
            ] {
                let (status, body) = try await Self.admin(stack, .get, "/api/admin/audit?" + query)
                #expect(status == .badRequest)
                #expect((body["message"] as? String)?.hasPrefix(named) == true, "\(query): \(body)")
            }
        }
    }

    @Test("refused codes are recorded with why: the gate's country, a limit, and Verify's own refusal")
    func refusedCodes() async throws {
        try await withStack(
            configure: {
                Self.configure(&$0)
                $0.smsGate.allowedCountries = ["US"]
                $0.sendLimitPerPhone = 1
            },
            emulator: {
                $0.faults = [FaultRule(endpoint: .verifications, to: "+14155550112", error: .init(code: 60410))]
            }
        ) { stack in
            #expect(
                try await stack.post("/api/auth/send-verification", #"{"phone_number": "+447700900123"}"#).0
                    == .forbidden)
            #expect(try await stack.post("/api/auth/send-verification", #"{"phone_number": "+14155550111"}"#).0 == .ok)
            #expect(
                try await stack.post("/api/auth/send-verification", #"{"phone_number": "+14155550111"}"#).0
                    == .tooManyRequests)
            #expect(
                try await stack.post("/api/auth/send-verification", #"{"phone_number": "+14155550112"}"#).0
                    == .forbidden)
            let refused = try await Self.events(stack, "type=code.refused")
            #expect(
                refused.compactMap { ($0["detail"] as? [String: String])?["reason"] } == [
                    "twilio_60410", "limit", "country",
                ])
            #expect(
                refused.compactMap { $0["subject"] as? String } == ["+14155550112", "+14155550111", "+447700900123"])
            let sent = try await Self.events(stack, "type=code.sent")
            #expect(sent.count == 1 && (sent.first?["detail"] as? [String: String])?["to"] == "+14155550111")
        }
    }

    @Test("an account deletes itself only with a fresh proof; everything of it goes, others stay")
    func deleteOwnAccount() async throws {
        try await withAccounts(configure: Self.configure) { stack in
            let dave = try await stack.signUp("dave")
            let erin = try await stack.signUp("erin")
            let (noProof, noProofBody, _) = try await stack.json(.delete, "/api/accounts/me", token: dave)
            #expect(noProof == .forbidden)
            #expect((noProofBody["message"] as? String)?.contains("fresh proof") == true)
            let (wrong, _, _) = try await stack.json(
                .delete, "/api/accounts/me", #"{"current_password": "wrong-horse-battery"}"#, token: dave)
            #expect(wrong == .badRequest)
            #expect(try await stack.protected("Bearer \(dave)").0 == .ok)
            let (deleted, body, _) = try await stack.json(
                .delete, "/api/accounts/me", #"{"current_password": "correct-horse-battery"}"#, token: dave)
            #expect(deleted == .ok && body["message"] as? String == "Your account is deleted")
            #expect(try await stack.protected("Bearer \(dave)").0 == .unauthorized)
            #expect(
                try await stack.json(
                    .post, "/api/accounts/login", #"{"login": "dave", "password": "correct-horse-battery"}"#
                ).0 == .unauthorized)
            #expect(try await stack.protected("Bearer \(erin)").0 == .ok)
            // the name is free again
            _ = try await stack.signUp("dave")
            let trail = try await Self.events(stack, "type=account.deleted")
            #expect(trail.count == 1 && trail.first?["actor"] as? String == "user")
            // a phone token cannot use the account route, nor an account token the phone one
            let (_, phoneLogin, _) = try await stack.post(
                "/api/auth/verify-code", #"{"phone_number": "+15555550150", "code": "909090"}"#)
            let phoneToken = try #require(phoneLogin["token"] as? String)
            #expect(try await stack.json(.delete, "/api/accounts/me", token: phoneToken).0 == .forbidden)
            #expect(try await stack.json(.delete, "/api/auth/me", #"{"code": "909090"}"#, token: erin).0 == .forbidden)
        }
    }

    @Test("a phone login deletes itself with a new code: its sessions end, a wrong code changes nothing")
    func deletePhoneLogin() async throws {
        try await withStack(configure: Self.configure) { stack in
            let phone = "+14155550191"
            let first = try await SessionsTests.login(stack, phone, agent: "One/1.0")
            let second = try await SessionsTests.login(stack, phone, agent: "Two/1.0")
            let (noCode, body, _) = try await stack.json(.delete, "/api/auth/me", token: first.access)
            #expect(noCode == .forbidden)
            #expect((body["errors"] as? [String: String])?["code"]?.contains("send-verification") == true)
            _ = try await stack.post("/api/auth/send-verification", #"{"phone_number": "\#(phone)"}"#)
            let code = try await stack.code(for: phone)
            let wrongCode = code == "000000" ? "111111" : "000000"
            #expect(
                try await stack.json(.delete, "/api/auth/me", #"{"code": "\#(wrongCode)"}"#, token: first.access).0
                    == .badRequest)
            #expect(try await stack.protected("Bearer \(second.access)").0 == .ok)
            let (deleted, _, _) = try await stack.json(
                .delete, "/api/auth/me", #"{"code": "\#(code)"}"#, token: first.access)
            #expect(deleted == .ok)
            #expect(try await stack.protected("Bearer \(first.access)").0 == .unauthorized)
            #expect(try await stack.protected("Bearer \(second.access)").0 == .unauthorized)
            let (refreshed, _, _) = try await stack.post(
                "/api/auth/refresh", #"{"refresh_token": "\#(second.refresh)"}"#)
            #expect(refreshed == .unauthorized)
            // a new login is a new, empty start
            let again = try await SessionsTests.login(stack, phone, agent: "Three/1.0")
            #expect(try await SessionsTests.sessions(stack, again.access).count == 1)
        }
    }

    @Test("the profile page deletes the account after its password; without the CSRF token nothing happens")
    func deletePage() async throws {
        try await withAccounts(configure: Self.configure) { stack in
            let browser = stack.browser()
            _ = try await browser.register("frank")
            #expect(try await browser.get("/profile").body.contains("/profile/delete"))
            #expect(try await browser.get("/profile/delete").body.contains("cannot be undone"))
            #expect(
                try await browser.post("/profile/delete", ["current_password": "correct-horse-battery"], csrf: "")
                    .status
                    == .forbidden)
            let wrong = try await browser.post("/profile/delete", ["current_password": "nope"])
            #expect(wrong.body.contains("This is not your current password"))
            let done = try await browser.post("/profile/delete", ["current_password": "correct-horse-battery"])
            #expect(done.status == .seeOther)
            #expect(try await browser.get("/profile").status == .seeOther)
            #expect(try await Self.admin(stack, .get, "/api/admin/accounts/frank").0 == .notFound)
            // the owner sees their own activity on the profile
            let other = stack.browser()
            _ = try await other.register("grace")
            let profile = try await other.get("/profile")
            #expect(profile.body.contains("Recent activity") && profile.body.contains("Account created"))
        }
    }
}
