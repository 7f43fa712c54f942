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

@Suite("Auth server web pages: accounts, sessions, CSRF")
struct WebAccountTests {
    @Test("register signs in with a new session ID; the cookie is HttpOnly, SameSite=Lax, Secure when configured")
    func register() async throws {
        try await withAccounts(configure: { $0.cookieSecure = true }) { stack in
            let browser = stack.browser()
            // a session ID planted before login (fixation) is worth nothing
            let planted = "planted-session-id"
            browser.cookies.withLock { $0[WebApp.sessionCookie] = planted }
            let form = try await browser.get("/register")
            #expect(form.status == .ok)
            // a visitor has no server-side session yet: the CSRF token is in its own cookie
            let csrfCookie = try #require(browser.setCookies.withLock { $0.first })
            #expect(csrfCookie.hasPrefix("\(WebRequestMiddleware.csrfCookie)="))
            for attribute in ["HttpOnly", "SameSite=Lax", "Secure"] { #expect(csrfCookie.contains(attribute)) }
            let profile = try await browser.register("alice", email: "Alice@Example.com")
            #expect(profile.status == .ok)
            #expect(profile.body.contains("Welcome, alice!"))
            #expect(profile.body.contains(#"<dd id="email">Alice@Example.com</dd>"#))
            let session = try #require(browser.session)
            #expect(session != planted, "the session ID is the server's own")
            let sessionCookie = try #require(
                browser.setCookies.withLock { $0.first { $0.hasPrefix("\(WebApp.sessionCookie)=") } })
            for attribute in ["HttpOnly", "SameSite=Lax", "Secure"] { #expect(sessionCookie.contains(attribute)) }

            // the planted ID does not sign anyone in
            let attacker = stack.browser()
            attacker.cookies.withLock { $0[WebApp.sessionCookie] = planted }
            let stolen = try await attacker.get("/profile")
            #expect(stolen.status == .seeOther)
            #expect(stolen.location == "/login")
        }
    }

    @Test("the Secure attribute can be turned off for plain-HTTP development (the default in development mode)")
    func insecureCookieInDevelopment() async throws {
        try await withAccounts { stack in
            let browser = stack.browser()
            _ = try await browser.get("/login")
            let cookie = try #require(browser.setCookies.withLock { $0.first })
            #expect(!cookie.contains("Secure"))
            #expect(cookie.contains("HttpOnly"))
        }
        #expect(
            try AuthConfiguration.fromEnvironment([
                "SECRET_KEY": secret, "TWILIO_ACCOUNT_SID": "AC" + String(repeating: "a", count: 32),
                "TWILIO_AUTH_TOKEN": "t", "TWILIO_VERIFY_SERVICE_SID": "VA" + String(repeating: "b", count: 32),
            ]).cookieSecure)
        #expect(try !AuthConfiguration.fromEnvironment(["AUTH_SERVER_DEVELOPMENT": "1"]).cookieSecure)
        #expect(
            try AuthConfiguration.fromEnvironment(["AUTH_SERVER_DEVELOPMENT": "1", "COOKIE_SECURE": "1"]).cookieSecure)
        #expect(throws: AuthConfiguration.Invalid.self) {
            try AuthConfiguration.fromEnvironment(["AUTH_SERVER_DEVELOPMENT": "1", "COOKIE_SECURE": "maybe"])
        }
    }

    @Test("registration errors are shown next to their fields")
    func registrationErrors() async throws {
        try await withAccounts { stack in
            let browser = stack.browser()
            try await browser.register("taken", email: "taken@example.com")
            let other = stack.browser()
            _ = try await other.get("/register")
            let cases: [(username: String, email: String, field: String, message: String)] = [
                ("TAKEN", "new@example.com", "username", "This username is taken"),
                ("fresh", "TAKEN@example.COM", "email", "An account with this email already exists"),
                ("x", "x@example.com", "username", "Use 3 to 32 characters"),
                ("bad name", "b@example.com", "username", "Use letters, digits"),
                ("fresh", "not-an-email", "email", "Enter an email address"),
            ]
            for test in cases {
                let page = try await other.post(
                    "/register",
                    [
                        "username": test.username, "email": test.email, "password": "correct-horse-battery",
                        "password_confirmation": "correct-horse-battery",
                    ])
                #expect(page.status == .badRequest || page.status == .conflict, "\(test.field)")
                #expect(
                    page.fieldError(test.field)?.contains(test.message) == true,
                    "\(test.field): \(page.fieldError(test.field) ?? "none")")
                // what was typed stays in the form
                #expect(page.body.contains(#"value="\#(test.username)""#))
            }
            let mismatch = try await other.post(
                "/register",
                [
                    "username": "fresh", "email": "fresh@example.com", "password": "correct-horse-battery",
                    "password_confirmation": "correct-horse-batterx",
                ])
            #expect(mismatch.fieldError("password_confirmation") == "The passwords do not match")
            let short = try await other.post(
                "/register",
                [
                    "username": "fresh", "email": "fresh@example.com", "password": "short",
                    "password_confirmation": "short",
                ])
            #expect(short.fieldError("password")?.contains("at least 8") == true)
            let long = String(repeating: "é", count: 37)  // 74 bytes
            let tooLong = try await other.post(
                "/register",
                ["username": "fresh", "email": "fresh@example.com", "password": long, "password_confirmation": long])
            #expect(tooLong.fieldError("password")?.contains("at most 72 bytes") == true)
            let script = try await other.post(
                "/register",
                ["username": "<script>", "email": "fresh@example.com", "password": "x", "password_confirmation": "x"])
            #expect(!script.body.contains("<script>"))
            #expect(script.body.contains("&lt;script&gt;"))
        }
    }

    @Test("log in by username or email in any case; wrong passwords and unknown users get one answer")
    func login() async throws {
        try await withAccounts { stack in
            try await stack.browser().register("bob", email: "bob@example.com")
            let browser = stack.browser()
            let wrong = try await browser.login("bob", password: "wrong-password")
            #expect(wrong.status == .badRequest)
            #expect(wrong.alert == "Wrong username or password")
            #expect(wrong.body.contains(#"value="bob""#))
            let unknown = try await browser.login("nobody", password: "correct-horse-battery")
            #expect(unknown.alert == "Wrong username or password")
            let empty = try await browser.post("/login", ["login": "", "password": ""])
            #expect(empty.fieldError("login") == "Enter your username or email")
            #expect(empty.fieldError("password") == "Enter your password")

            let before = browser.session
            let ok = try await browser.login("BOB@EXAMPLE.COM")
            #expect(ok.status == .seeOther)
            #expect(ok.location == "/profile")
            #expect(browser.session != before)
            let home = try await browser.get("/")
            #expect(home.body.contains("Hello, bob"))
        }
    }

    @Test("logout deletes the session on the server: a copied cookie no longer works")
    func logout() async throws {
        try await withAccounts { stack in
            let browser = stack.browser()
            try await browser.register("carol")
            let signedIn = try #require(browser.session)
            let out = try await browser.post("/logout")
            #expect(out.status == .seeOther)
            #expect(out.location == "/login")
            let login = try await browser.get("/login")
            #expect(login.body.contains("You are logged out"))
            let replay = stack.browser()
            replay.cookies.withLock { $0[WebApp.sessionCookie] = signedIn }
            let profile = try await replay.get("/profile")
            #expect(profile.status == .seeOther)
            #expect(profile.location == "/login")
        }
    }

    @Test("forms without the session's CSRF token, or sent from another site, are refused")
    func csrf() async throws {
        try await withAccounts { stack in
            let browser = stack.browser()
            try await browser.register("dave")
            let missing = try await browser.post("/profile/edit", ["username": "mallory", "about": ""], csrf: "")
            #expect(missing.status == .forbidden)
            #expect(missing.body.contains("This form has expired or did not come from this site"))
            let forged = try await browser.post(
                "/profile/edit", ["username": "mallory", "about": ""], csrf: "forged-token-forged-token-forged-tok")
            #expect(forged.status == .forbidden)
            let crossSite = try await browser.post(
                "/profile/edit", ["username": "mallory", "about": ""], headers: [.init("Sec-Fetch-Site")!: "cross-site"]
            )
            #expect(crossSite.status == .forbidden)
            #expect(crossSite.body.contains("sent from another site"))
            // another visitor's token is not this session's token
            let other = stack.browser()
            let otherToken = try #require(try await other.get("/login").csrf)
            let stolen = try await browser.post(
                "/profile/edit", ["username": "mallory", "about": ""], csrf: otherToken)
            #expect(stolen.status == .forbidden)
            // a post with no session at all
            let noSession = try await stack.browser().post(
                "/login", ["login": "dave", "password": "x"], csrf: otherToken)
            #expect(noSession.status == .forbidden)
            #expect(try await browser.get("/profile").body.contains("<h1>dave</h1>"))

            let sameOrigin = try await browser.post(
                "/profile/edit", ["username": "dave2", "about": "Hi <b>there</b>"],
                headers: [.init("Sec-Fetch-Site")!: "same-origin"])
            #expect(sameOrigin.status == .seeOther)
            let profile = try await browser.get("/profile")
            #expect(profile.body.contains("<h1>dave2</h1>"))
            #expect(profile.body.contains("Hi &lt;b&gt;there&lt;/b&gt;"))
        }
    }

    @Test("an unreadable or oversized form is a clear error page, not a 500")
    func badForms() async throws {
        try await withAccounts { stack in
            let browser = stack.browser()
            let token = try #require(try await browser.get("/login").csrf)
            let cookie = "\(WebRequestMiddleware.csrfCookie)=\(token)"
            let malformed = try await stack.auth.execute(
                uri: "/login", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                body: ByteBuffer(string: "csrf_token=\(token)&login=%zz")
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(malformed.0 == .badRequest)
            #expect(malformed.1.contains("The form could not be read."))
            let huge = try await stack.auth.execute(
                uri: "/login", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                body: ByteBuffer(string: "csrf_token=\(token)&login=" + String(repeating: "a", count: 70_000))
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(huge.0 == .contentTooLarge)
            #expect(huge.1.contains("The form was too large to accept."))
            // the connection is closed after a 413; the server still works on a new one
            let fresh = TestClient(host: "localhost", port: try #require(stack.auth.port))
            fresh.connect()
            let page = try await fresh.execute(.init("/login", method: .get, authority: "localhost"))
            try await fresh.shutdown()
            #expect(page.status == .ok)
        }
    }

    @Test("every page has the security headers; 404 and 500 pages say nothing about internals")
    func headersAndErrorPages() async throws {
        try await withAccounts { stack in
            let browser = stack.browser()
            for path in [
                "/", "/login", "/register", "/reset", "/static/app.css", "/no/such/page", "/api/auth/protected",
            ] {
                let page = try await browser.get(path)
                #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true, "\(path)")
                #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true, "\(path)")
                #expect(page.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                #expect(page.headers[.init("Referrer-Policy")!] == "same-origin", "\(path)")
            }
            let missing = try await browser.get("/no/such/page")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(missing.body.contains("Page not found"))
            let api = try await browser.get("/api/nothing")
            #expect(api.status == .notFound)
            #expect(api.headers[.contentType] == "application/json")
            let css = try await browser.get("/static/app.css")
            #expect(css.headers[.contentType]?.hasPrefix("text/css") == true)
            #expect(css.body.contains("--accent"))
            let profile = try await browser.get("/profile")
            #expect(profile.status == .seeOther)
            #expect(profile.location == "/login")
        }
    }

    @Test("the 500 page is generic: no error text, no stack")
    func internalErrorPage() async throws {
        struct Boom: Error, CustomStringConvertible { var description: String { "secret-internal-detail" } }
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let router = Router(context: AuthRequestContext.self)
        router.add(middleware: APIErrorMiddleware(logger: quiet, pages: try WebTemplates.library()))
        router.get("/page") { _, _ -> Response in throw Boom() }
        router.get("/api/thing") { _, _ -> Response in throw Boom() }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/page", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                let body = String(buffer: response.body)
                #expect(body.contains("Something went wrong"))
                #expect(!body.contains("secret-internal-detail"))
                #expect(!body.contains("Boom"))
                #expect(response.headers[.contentSecurityPolicy] != nil)
            }
            try await client.execute(uri: "/api/thing", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(String(buffer: response.body) == #"{"message":"Internal server error"}"#)
            }
        }
    }

    @Test("edit profile: username and about, with duplicate and length errors")
    func editProfile() async throws {
        try await withAccounts { stack in
            try await stack.browser().register("erin")
            let browser = stack.browser()
            try await browser.register("frank")
            _ = try await browser.get("/profile/edit")
            let taken = try await browser.post("/profile/edit", ["username": "ERIN", "about": "x"])
            #expect(taken.status == .conflict)
            #expect(taken.fieldError("username") == "This username is taken")
            let long = try await browser.post(
                "/profile/edit", ["username": "frank", "about": String(repeating: "a", count: 501)])
            #expect(long.status == .badRequest)
            #expect(long.body.contains("Keep it under 500 characters"))
            let saved = try await browser.post("/profile/edit", ["username": "Frankie", "about": "I test things"])
            #expect(saved.status == .seeOther)
            let profile = try await browser.get("/profile")
            #expect(profile.body.contains("<h1>Frankie</h1>"))
            #expect(profile.body.contains("I test things"))
            #expect(profile.body.contains("Your profile is saved"))
            // the new name logs in; the old one is free
            #expect(try await stack.browser().login("frankie").location == "/profile")
        }
    }

    @Test("change password: the current one is required; other sessions and tokens are revoked")
    func changePassword() async throws {
        try await withAccounts { stack in
            let browser = stack.browser()
            try await browser.register("gina")
            let laptop = stack.browser()
            #expect(try await laptop.login("gina").location == "/profile")
            let (_, tokens, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "gina", "password": "correct-horse-battery"}"#)
            let access = try #require(tokens["access_token"] as? String)
            let refresh = try #require(tokens["refresh_token"] as? String)
            stack.tokenClock.advance(2)

            _ = try await browser.get("/profile/password")
            let wrong = try await browser.post(
                "/profile/password",
                [
                    "current_password": "nope-nope-nope", "password": "new-password-1",
                    "password_confirmation": "new-password-1",
                ])
            #expect(wrong.fieldError("current_password") == "This is not your current password")
            let mismatch = try await browser.post(
                "/profile/password",
                [
                    "current_password": "correct-horse-battery", "password": "new-password-1",
                    "password_confirmation": "x",
                ])
            #expect(mismatch.fieldError("password_confirmation") == "The passwords do not match")
            let before = browser.session
            let changed = try await browser.post(
                "/profile/password",
                [
                    "current_password": "correct-horse-battery", "password": "new-password-1",
                    "password_confirmation": "new-password-1",
                ])
            #expect(changed.status == .seeOther)
            #expect(browser.session != before)
            #expect(try await browser.get("/profile").body.contains("other sessions were signed out"))
            #expect(try await laptop.get("/profile").location == "/login")
            let (refused, body, _) = try await stack.json(.get, "/api/auth/protected", token: access)
            #expect(refused == .unauthorized)
            #expect(body["msg"] as? String == "Token has been revoked")
            let (refreshRefused, _, _) = try await stack.json(
                .post, "/api/auth/refresh", #"{"refresh_token": "\#(refresh)"}"#)
            #expect(refreshRefused == .unauthorized)
            #expect(try await stack.browser().login("gina").alert == "Wrong username or password")
            #expect(try await stack.browser().login("gina", password: "new-password-1").location == "/profile")
        }
    }

    @Test("passwords longer than bcrypt's 72 bytes are never truncated into a match")
    func longPasswords() async throws {
        try await withAccounts { stack in
            let exact = String(repeating: "p", count: 72)
            try await stack.browser().register("hana", password: exact)
            #expect(try await stack.browser().login("hana", password: exact).location == "/profile")
            let longer = try await stack.browser().login("hana", password: exact + "extra")
            #expect(longer.alert == "Wrong username or password")
        }
    }

    @Test("bcrypt cost is 12 by default, and below 12 only in development mode")
    func bcryptCost() async throws {
        try await withStack { stack in
            let (status, _, _) = try await stack.json(
                .post, "/api/accounts/register",
                #"{"username": "ivan", "email": "ivan@example.com", "password": "correct-horse-battery"}"#)
            #expect(status == .created)
        }
        let defaults = try AuthConfiguration.fromEnvironment([:])
        #expect(defaults.bcryptCost == 12)
        let passwords = Passwords(cost: defaults.bcryptCost)
        #expect(try await passwords.hash("correct-horse-battery").hasPrefix("$2b$12$"))
        #expect(
            try await passwords.verify("correct-horse-battery", hash: try await passwords.hash("correct-horse-battery"))
        )
        #expect(throws: AuthConfiguration.Invalid.self) {
            try AuthConfiguration.fromEnvironment([
                "SECRET_KEY": secret, "TWILIO_ACCOUNT_SID": "AC" + String(repeating: "a", count: 32),
                "TWILIO_AUTH_TOKEN": "t", "TWILIO_VERIFY_SERVICE_SID": "VA" + String(repeating: "b", count: 32),
                "BCRYPT_COST": "10",
            ])
        }
    }
}
