import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import AuthServer

@Suite("Auth server web pages: visitors without a session")
struct WebVisitorTests {
    static func sessionRows(_ path: String) async throws -> Int {
        try await DatabaseQueue(path: path).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM web_session") ?? -1
        }
    }

    @Test("anonymous page views and refused forms write no session; a login writes one")
    func anonymousViewsWriteNothing() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString).sqlite")
            .path
        try await withAccounts(configure: { $0.databasePath = path }) { stack in
            for _ in 0..<50 {
                for page in ["/login", "/register", "/reset", "/"] {
                    #expect(try await stack.browser().get(page).status == .ok)
                }
            }
            let browser = stack.browser()
            _ = try await browser.register("erin", email: "erin@example.com")
            _ = try await browser.post("/logout")
            #expect(try await Self.sessionRows(path) == 1, "the logged-out notice is kept in one session")

            let visitor = stack.browser()
            _ = try await visitor.get("/login")
            let wrong = try await visitor.login("erin", password: "wrong-password")
            #expect(wrong.alert == "Wrong username or password")
            #expect(try await Self.sessionRows(path) == 1)
            let ok = try await visitor.login("erin")
            #expect(ok.status == .seeOther && ok.location == "/profile")
            #expect(try await Self.sessionRows(path) == 2)
            #expect(try await visitor.get("/profile").body.contains("<h1>erin</h1>"))
        }
    }

    @Test("a visitor's form needs the token of its own cookie")
    func visitorCSRF() async throws {
        try await withAccounts { stack in
            let alice = stack.browser()
            let token = try #require(try await alice.get("/login").csrf)
            // the same token, but from a browser whose cookie holds another one
            let mallory = stack.browser()
            _ = try await mallory.get("/login")
            let forged = try await mallory.post("/login", ["login": "a", "password": "b"], csrf: token)
            #expect(forged.status == .forbidden)
            #expect(forged.body.contains("This form has expired or did not come from this site."))
            // no cookie at all
            let bare = try await stack.auth.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "csrf_token=\(token)&login=a&password=b")
            ) { $0.status }
            #expect(bare == .forbidden)
            // a cookie that is not a token this server could have made is ignored
            let odd = try await stack.auth.execute(
                uri: "/login", method: .post,
                headers: [
                    .contentType: "application/x-www-form-urlencoded",
                    .cookie: "\(WebRequestMiddleware.csrfCookie)=x.y",
                ],
                body: ByteBuffer(string: "csrf_token=x.y&login=a&password=b")
            ) { $0.status }
            #expect(odd == .forbidden)
            // the cookie's own token passes
            let honest = try await alice.post("/login", ["login": "a", "password": "b"])
            #expect(honest.status == .badRequest)
            #expect(honest.alert == "Wrong username or password")
        }
    }
}
