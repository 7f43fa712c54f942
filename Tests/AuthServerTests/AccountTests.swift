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

/// A browser for the tests: keeps cookies, remembers the last page's CSRF token, never follows
/// redirects (the tests check them).
final class Browser: Sendable {
    struct Page {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        var location: String? { headers[.location] }

        /// The error shown under a form field.
        func fieldError(_ name: String) -> String? {
            guard let start = body.range(of: #"<p class="field-error" id="\#(name)-error">"#),
                let end = body.range(of: "</p>", range: start.upperBound..<body.endIndex)
            else { return nil }
            return String(body[start.upperBound..<end.lowerBound])
        }

        var alert: String? {
            guard let start = body.range(of: #"<p class="alert" role="alert">"#),
                let end = body.range(of: "</p>", range: start.upperBound..<body.endIndex)
            else { return nil }
            return String(body[start.upperBound..<end.lowerBound])
        }

        var csrf: String? {
            guard let start = body.range(of: #"name="csrf_token" value=""#),
                let end = body.range(of: "\"", range: start.upperBound..<body.endIndex)
            else { return nil }
            return String(body[start.upperBound..<end.lowerBound])
        }
    }

    let client: any TestClientProtocol
    let cookies = Mutex<[String: String]>([:])
    let setCookies = Mutex<[String]>([])
    let lastCSRF = Mutex<String?>(nil)

    init(_ client: any TestClientProtocol) { self.client = client }

    var session: String? { cookies.withLock { $0[WebApp.sessionCookie] } }

    func get(_ path: String, headers: HTTPFields = [:]) async throws -> Page {
        try await request(path, method: .get, body: nil, headers: headers)
    }

    /// Posts a form as a browser would, with the last page's CSRF token unless one is given.
    func post(
        _ path: String, _ fields: KeyValuePairs<String, String> = [:], csrf: String? = nil,
        headers: HTTPFields = [:]
    ) async throws -> Page {
        var form = FormData()
        if let token = csrf ?? lastCSRF.withLock({ $0 }) { form.append("csrf_token", token) }
        for (name, value) in fields { form.append(name, value) }
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await request(path, method: .post, body: form.encoded, headers: headers)
    }

    private func request(
        _ path: String, method: HTTPRequest.Method, body: String?, headers: HTTPFields
    ) async throws
        -> Page
    {
        var headers = headers
        let cookie = cookies.withLock { $0.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if !cookie.isEmpty { headers[.cookie] = cookie }
        let page = try await client.execute(
            uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
        for header in page.headers[values: .setCookie] {
            setCookies.withLock { $0.append(header) }
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            let expired = Self.expiry(header).map { $0 <= Date() } ?? false
            cookies.withLock { $0[name] = expired ? nil : value }
        }
        if let token = page.csrf { lastCSRF.withLock { $0 = token } }
        return page
    }

    static func expiry(_ header: String) -> Date? {
        guard
            let attribute = header.split(separator: ";").first(where: {
                $0.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("expires=")
            })
        else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: String(attribute.split(separator: "=", maxSplits: 1)[1]))
    }

    /// Registers through the form and returns the profile page.
    @discardableResult
    func register(
        _ username: String, email: String? = nil, password: String = "correct-horse-battery"
    )
        async throws -> Page
    {
        _ = try await get("/register")
        let page = try await post(
            "/register",
            [
                "username": username, "email": email ?? "\(username)@example.com", "password": password,
                "password_confirmation": password,
            ])
        #expect(page.status == .seeOther, "\(page.body)")
        #expect(page.location == "/profile")
        return try await get("/profile")
    }

    func login(_ login: String, password: String = "correct-horse-battery") async throws -> Page {
        _ = try await get("/login")
        return try await post("/login", ["login": login, "password": password])
    }
}

extension Stack {
    func browser() -> Browser { Browser(auth) }

    /// The newest code sent to `to`, and how many messages it has had.
    func messages(to: String) async throws -> [OutboxMessage] {
        let client = TestClient(host: "127.0.0.1", port: emulatorPort)
        client.connect()
        let response = try await client.get("/emulator/v1/messages?to=\(FormData.encode(to))")
        try await client.shutdown()
        struct Messages: Decodable { var messages: [OutboxMessage] }
        return try JSONDecoder().decode(Messages.self, from: Data(buffer: response.body ?? ByteBuffer())).messages
    }

    func json(
        _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil, token: String? = nil
    ) async throws -> (HTTPResponse.Status, [String: Any], HTTPFields) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await auth.execute(
            uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            (
                response.status,
                (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:],
                response.headers
            )
        }
    }
}

/// A stack with cheap bcrypt (cost 4) so registration-heavy tests stay fast; one test checks
/// the default cost.
func withAccounts(
    configure: @escaping @Sendable (inout AuthConfiguration) -> Void = { _ in },
    _ body: @Sendable (Stack) async throws -> Void
) async throws {
    try await withStack(
        configure: { configuration in
            configuration.bcryptCost = 4
            configure(&configuration)
        }, body)
}

func wrongCode(_ code: String) -> String { code == "000000" ? "111111" : "000000" }

@Suite("Auth server web pages: accounts, sessions, CSRF")
struct WebAccountTests {
    @Test("register signs in with a new session ID; the cookie is HttpOnly, SameSite=Lax, Secure when configured")
    func register() async throws {
        try await withAccounts(configure: { $0.cookieSecure = true }) { stack in
            let browser = stack.browser()
            let form = try await browser.get("/register")
            #expect(form.status == .ok)
            let anonymous = try #require(browser.session)
            let cookie = try #require(browser.setCookies.withLock { $0.first })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(cookie.contains("Secure"))
            let profile = try await browser.register("alice", email: "Alice@Example.com")
            #expect(profile.status == .ok)
            #expect(profile.body.contains("Welcome, alice!"))
            #expect(profile.body.contains(#"<dd id="email">Alice@Example.com</dd>"#))
            #expect(browser.session != anonymous, "the session ID changes at login")

            // the pre-login session ID is gone from the server
            let attacker = stack.browser()
            attacker.cookies.withLock { $0[WebApp.sessionCookie] = anonymous }
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

            let before = try #require(browser.session)
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
            let cookie = "\(WebApp.sessionCookie)=\(try #require(browser.session))"
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
            // the session still works afterwards
            #expect(try await browser.login("nobody").alert == "Wrong username or password")
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
        #expect(done.location == "/profile")
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
            #expect(done.location == "/profile")
            let profile = try await browser.get("/profile")
            #expect(profile.body.contains("Two-factor authentication is on"))
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
            #expect(resend.location == "/login/verify")
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
            #expect(try await stack.messages(to: "nobody@example.com").isEmpty)
            let invalid = try await stranger.post("/reset", ["email": "nope"])
            #expect(invalid.fieldError("email") == "Enter the email address of your account")

            let browser = stack.browser()
            _ = try await browser.get("/reset")
            let requested = try await browser.post("/reset", ["email": "nina@example.com"])
            #expect(requested.location == "/reset/confirm")
            let email = try #require(try await stack.messages(to: "Nina@Example.com").first)
            #expect(email.channel == "email")
            let confirm = try await browser.get("/reset/confirm")
            #expect(confirm.body.contains("Nina@Example.com"))
            let wrong = try await browser.post(
                "/reset/confirm",
                [
                    "code": wrongCode(email.code), "password": "brand-new-pass",
                    "password_confirmation": "brand-new-pass",
                ])
            #expect(wrong.fieldError("code") == "That code is not right. Check the message and try again.")
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
                .post, "/api/accounts/2fa/enable", #"{"phone_number": "555"}"#, token: access)
            #expect(badPhone == .badRequest)
            #expect((badPhoneBody["errors"] as? [String: String])?["phone_number"] != nil)
            let (sent, _, _) = try await stack.json(
                .post, "/api/accounts/2fa/enable", #"{"phone_number": "+14155550151"}"#, token: access)
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
                .post, "/api/accounts/2fa/enable", #"{"phone_number": "+14155550152"}"#, token: access)
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

@Suite("Auth server: disabled accounts and sessions in SQLite")
struct DisabledAccountTests {
    @Test("a disabled account cannot log in; its sessions, refresh tokens and access tokens stop at once")
    func disabledAccount() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString).sqlite")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withAccounts(configure: { $0.databasePath = path }) { stack in
            let browser = stack.browser()
            try await browser.register("sam")
            let (_, tokens, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "sam", "password": "correct-horse-battery"}"#)
            let access = try #require(tokens["access_token"] as? String)
            let refresh = try #require(tokens["refresh_token"] as? String)

            // the operator command works on the same file while the server runs
            #expect(try await setAccountDisabled(databasePath: path, login: "sam@example.com", disabled: true))
            #expect(try await setAccountDisabled(databasePath: path, login: "nobody", disabled: true) == false)

            #expect(try await browser.get("/profile").location == "/login")
            let web = try await stack.browser().login("sam")
            #expect(web.status == .forbidden)
            #expect(web.alert == "This account is disabled")
            let (api, apiBody, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "sam", "password": "correct-horse-battery"}"#)
            #expect(api == .forbidden)
            #expect(apiBody["message"] as? String == "This account is disabled")
            let wrongPassword = try await stack.browser().login("sam", password: "wrong-password")
            #expect(wrongPassword.alert == "Wrong username or password", "a wrong password does not reveal the state")
            let (protected, protectedBody, _) = try await stack.json(.get, "/api/auth/protected", token: access)
            #expect(protected == .unauthorized)
            #expect(protectedBody["msg"] as? String == "This account is disabled")
            let (refreshed, _, _) = try await stack.json(
                .post, "/api/auth/refresh", #"{"refresh_token": "\#(refresh)"}"#)
            #expect(refreshed == .unauthorized)

            #expect(try await setAccountDisabled(databasePath: path, login: "sam", disabled: false))
            #expect(try await stack.browser().login("sam").location == "/profile")
        }
    }

    @Test("sessions live in the SQLite file: they survive a restart; expired ones are refused and swept")
    func persistDriver() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString).sqlite")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let clock = TestClock()
        let first = SQLitePersistDriver(writer: try AuthDatabase.open(path: path), now: { clock.now() })
        var session = WebSession.fresh(flash: "hello")
        session.accountID = 7
        try await first.create(key: "hbs.a", value: session, expires: .seconds(60))
        await #expect(throws: PersistError.duplicate) {
            try await first.create(key: "hbs.a", value: session, expires: .seconds(60))
        }
        try await first.set(key: "hbs.b", value: session, expires: nil)

        let reopened = SQLitePersistDriver(writer: try AuthDatabase.open(path: path), now: { clock.now() })
        let loaded = try #require(try await reopened.getWithTTL(key: "hbs.a", as: WebSession.self))
        #expect(loaded.object == session)
        #expect(loaded.ttl! > .seconds(59) && loaded.ttl! <= .seconds(60))
        #expect(try await reopened.getWithTTL(key: "hbs.b", as: WebSession.self)?.ttl == nil)
        // an update without expiry keeps the old expiry
        session.flash = nil
        try await reopened.set(key: "hbs.a", value: session, expires: nil)
        clock.advance(30)
        let kept = try #require(try await reopened.getWithTTL(key: "hbs.a", as: WebSession.self))
        #expect(kept.object.flash == nil)
        #expect(kept.ttl! <= .seconds(30))
        await #expect(throws: PersistError.invalidConversion) {
            try await reopened.get(key: "hbs.a", as: [Int].self)
        }
        clock.advance(31)
        #expect(try await reopened.get(key: "hbs.a", as: WebSession.self) == nil)
        try await reopened.sweep()
        let rows = try await reopened.writer.read { db in
            try String.fetchAll(db, sql: "SELECT key FROM web_session ORDER BY key")
        }
        #expect(rows == ["hbs.b"])
        let owners = try await reopened.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT account_id FROM web_session")
        }
        #expect(owners == [7])
        try await reopened.remove(key: "hbs.b")
        #expect(try await reopened.get(key: "hbs.b", as: WebSession.self) == nil)
    }
}
