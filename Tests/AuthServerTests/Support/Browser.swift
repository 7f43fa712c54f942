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

    /// Registers through the form and returns the profile page; unless `confirming` is false,
    /// confirms the password too, as the pages ask before a change that adds a sign-in method.
    @discardableResult
    func register(
        _ username: String, email: String? = nil, password: String = "correct-horse-battery", confirming: Bool = true
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
        let profile = try await get("/profile")
        if confirming { try await confirmPassword(password) }
        return profile
    }

    /// The pages' sudo mode: confirms the password so that sensitive changes go ahead for a while.
    func confirmPassword(_ password: String = "correct-horse-battery") async throws {
        _ = try await get("/profile/confirm")
        let confirmed = try await post("/profile/confirm", ["current_password": password, "next": "/profile"])
        #expect(confirmed.status == .seeOther && confirmed.location == "/profile", "\(confirmed.body)")
    }

    func login(_ login: String, password: String = "correct-horse-battery") async throws -> Page {
        _ = try await get("/login")
        return try await post("/login", ["login": login, "password": password])
    }
}

extension Stack {
    func browser() -> Browser { Browser(auth) }

    /// The messages sent to `to`, newest first; when there are none yet, waiting up to
    /// `waitMilliseconds` for the first (reset codes are sent after the answer).
    func messages(to: String, waitMilliseconds: Int = 0) async throws -> [OutboxMessage] {
        let client = TestClient(host: "127.0.0.1", port: emulatorPort)
        client.connect()
        let response = try await client.get(
            "/emulator/v1/messages?to=\(FormData.encode(to))"
                + (waitMilliseconds > 0 ? "&wait=\(waitMilliseconds)ms" : ""))
        try await client.shutdown()
        struct Messages: Decodable { var messages: [OutboxMessage] }
        return try JSONDecoder().decode(Messages.self, from: Data(buffer: response.body ?? ByteBuffer())).messages
    }

    func json(
        _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil, token: String? = nil,
        agent: String? = nil
    ) async throws -> (HTTPResponse.Status, [String: Any], HTTPFields) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let agent { headers[.userAgent] = agent }
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
    frozenTokenClock: Bool = false,
    _ body: @Sendable (Stack) async throws -> Void
) async throws {
    try await withStack(
        configure: { configuration in
            configuration.bcryptCost = 4
            configure(&configuration)
        }, frozenTokenClock: frozenTokenClock, body)
}

func wrongCode(_ code: String) -> String { code == "000000" ? "111111" : "000000" }
