import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AuthServer

/// Sessions per device (issue 30, item 3): every login is a session the user can list and end
/// one by one, on the suite's database.
@Suite("Auth server: sessions per device")
struct SessionsTests {
    /// A request with a user agent of its own, as a device would send it.
    static func call(
        _ stack: Stack, _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil, token: String? = nil,
        agent: String = "test-device"
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        let (status, json, _) = try await stack.json(method, path, body, token: token, agent: agent)
        return (status, json)
    }

    /// A phone login from the device `agent`: its access and refresh tokens.
    static func login(_ stack: Stack, _ phone: String, agent: String) async throws -> (access: String, refresh: String)
    {
        _ = try await call(stack, .post, "/api/auth/send-verification", #"{"phone_number": "\#(phone)"}"#, agent: agent)
        let code = try await stack.code(for: phone)
        let (status, body) = try await call(
            stack, .post, "/api/auth/verify-code", #"{"phone_number": "\#(phone)", "code": "\#(code)"}"#, agent: agent)
        #expect(status == .ok)
        return (try #require(body["token"] as? String), try #require(body["refresh_token"] as? String))
    }

    static func sessions(_ stack: Stack, _ token: String) async throws -> [[String: Any]] {
        let (status, body) = try await call(stack, .get, "/api/auth/sessions", token: token)
        #expect(status == .ok)
        return body["sessions"] as? [[String: Any]] ?? []
    }

    @Test("list the devices, end one (its tokens refused at once), end every other; never another user's")
    func endOneAndOthers() async throws {
        try await withStack { stack in
            let phone = "+14155550181"
            let laptop = try await Self.login(stack, phone, agent: "Laptop/1.0")
            let tablet = try await Self.login(stack, phone, agent: "Tablet/2.0")
            let stranger = try await Self.login(stack, "+14155550182", agent: "Stranger/1.0")

            var listed = try await Self.sessions(stack, laptop.access)
            #expect(listed.count == 2)
            #expect(Set(listed.compactMap { $0["user_agent"] as? String }) == ["Laptop/1.0", "Tablet/2.0"])
            #expect(listed.allSatisfy { $0["ip"] as? String == "127.0.0.1" })
            let current = try #require(listed.first { $0["current"] as? Bool == true })
            #expect(current["user_agent"] as? String == "Laptop/1.0")
            let tabletID = try #require(listed.first { $0["current"] as? Bool == false }?["id"] as? String)
            let strangerID = try #require(try await Self.sessions(stack, stranger.access).first?["id"] as? String)

            // a refresh from the tablet updates when and from what it was last used
            let (refreshed, grant) = try await Self.call(
                stack, .post, "/api/auth/refresh", #"{"refresh_token": "\#(tablet.refresh)"}"#, agent: "Tablet/2.1")
            #expect(refreshed == .ok)
            let tabletAccess = try #require(grant["access_token"] as? String)
            listed = try await Self.sessions(stack, laptop.access)
            #expect(listed.first?["user_agent"] as? String == "Tablet/2.1")
            #expect(listed.count == 2)

            // another user's session is not yours to end
            let (foreign, foreignBody) = try await Self.call(
                stack, .delete, "/api/auth/sessions/\(strangerID)", token: laptop.access)
            #expect(foreign == .notFound)
            #expect(foreignBody["message"] as? String == "You have no session \(strangerID)")
            #expect(try await stack.protected("Bearer \(stranger.access)").0 == .ok)

            let (ended, endedBody) = try await Self.call(
                stack, .delete, "/api/auth/sessions/\(tabletID)", token: laptop.access)
            #expect(ended == .ok && endedBody["ended"] as? Int == 1)
            #expect(try await stack.protected("Bearer \(tabletAccess)").0 == .unauthorized)
            #expect(try await stack.protected("Bearer \(tablet.access)").0 == .unauthorized)
            let (reused, _) = try await Self.call(
                stack, .post, "/api/auth/refresh",
                #"{"refresh_token": "\#(try #require(grant["refresh_token"] as? String))"}"#)
            #expect(reused == .unauthorized)
            #expect(try await stack.protected("Bearer \(laptop.access)").0 == .ok)
            #expect(try await Self.sessions(stack, laptop.access).count == 1)
            #expect(
                try await Self.call(stack, .delete, "/api/auth/sessions/\(tabletID)", token: laptop.access).0
                    == .notFound)

            // log out everywhere else
            let phoneApp = try await Self.login(stack, phone, agent: "Phone/3.0")
            let watch = try await Self.login(stack, phone, agent: "Watch/1.0")
            let (others, othersBody) = try await Self.call(stack, .delete, "/api/auth/sessions", token: watch.access)
            #expect(others == .ok && othersBody["ended"] as? Int == 2)
            #expect(try await stack.protected("Bearer \(laptop.access)").0 == .unauthorized)
            #expect(try await stack.protected("Bearer \(phoneApp.access)").0 == .unauthorized)
            #expect(try await stack.protected("Bearer \(watch.access)").0 == .ok)
            #expect(try await Self.sessions(stack, watch.access).map { $0["user_agent"] as? String } == ["Watch/1.0"])
            #expect(try await stack.protected("Bearer \(stranger.access)").0 == .ok)
            #expect(try await Self.call(stack, .get, "/api/auth/sessions").0 == .unauthorized)
        }
    }

    @Test("an account's password logins are sessions too")
    func accountSessions() async throws {
        try await withAccounts { stack in
            let first = try await stack.signUp("sessions")
            let (_, second) = try await Self.call(
                stack, .post, "/api/accounts/login", #"{"login": "sessions", "password": "correct-horse-battery"}"#,
                agent: "Second/1.0")
            let secondAccess = try #require(second["access_token"] as? String)
            let listed = try await Self.sessions(stack, secondAccess)
            #expect(listed.count == 2)
            #expect(listed.first { $0["current"] as? Bool == true }?["user_agent"] as? String == "Second/1.0")
            #expect(
                try await Self.call(stack, .delete, "/api/auth/sessions", token: secondAccess).1["ended"] as? Int == 1)
            let (refused, _) = try await Self.call(stack, .get, "/api/auth/sessions", token: first)
            #expect(refused == .unauthorized)
        }
    }

    @Test("the profile page lists the signed-in apps and signs out one, then all")
    func profilePage() async throws {
        try await withAccounts { stack in
            let browser = stack.browser()
            try await browser.register("pages")
            var apps: [String] = []
            for agent in ["Reader/1.0", "Notes/2.0"] {
                let (_, grant) = try await Self.call(
                    stack, .post, "/api/accounts/login", #"{"login": "pages", "password": "correct-horse-battery"}"#,
                    agent: agent)
                apps.append(try #require(grant["access_token"] as? String))
            }
            var profile = try await browser.get("/profile")
            #expect(profile.body.contains("Reader/1.0") && profile.body.contains("Notes/2.0"))
            let listed = try await Self.sessions(stack, apps[0])
            let readerID = try #require(listed.first { $0["user_agent"] as? String == "Reader/1.0" }?["id"] as? String)
            // without the session's CSRF token, or from another site, nothing is signed out
            for path in ["/profile/sessions/\(readerID)/end", "/profile/sessions/end-all"] {
                #expect(try await browser.post(path, csrf: "").status == .forbidden)
                #expect(
                    try await browser.post(path, headers: [.init("Sec-Fetch-Site")!: "cross-site"]).status
                        == .forbidden)
            }
            #expect(try await stack.protected("Bearer \(apps[0])").0 == .ok)
            #expect(try await stack.protected("Bearer \(apps[1])").0 == .ok)
            let ended = try await browser.post("/profile/sessions/\(readerID)/end")
            #expect(ended.status == .seeOther)
            profile = try await browser.get("/profile")
            #expect(profile.body.contains("The app is signed out") && !profile.body.contains("Reader/1.0"))
            #expect(try await stack.protected("Bearer \(apps[0])").0 == .unauthorized)
            #expect(try await stack.protected("Bearer \(apps[1])").0 == .ok)
            _ = try await browser.post("/profile/sessions/end-all")
            profile = try await browser.get("/profile")
            #expect(profile.body.contains("1 app is signed out") && profile.body.contains("No app is signed in"))
            #expect(try await stack.protected("Bearer \(apps[1])").0 == .unauthorized)
            // the browser itself stays signed in
            #expect(profile.status == .ok && profile.body.contains("pages@example.com"))
        }
    }
}
