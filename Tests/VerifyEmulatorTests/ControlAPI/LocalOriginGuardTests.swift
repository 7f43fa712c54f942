import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import VerifyWire

@testable import VerifyEmulator

/// Web pages cannot drive the emulator through their visitors' browsers (issue 26, item 5), and
/// readiness notices a deleted database file.
@Suite("Control API: other sites, rebound names and frames are refused")
struct LocalOriginGuardTests {
    func send(
        _ api: EmulatorClient, _ method: HTTPRequest.Method, _ path: String, body: String? = nil,
        headers: HTTPFields
    ) async throws -> APIResponse {
        try await api.client.execute(
            uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            APIResponse(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        }
    }

    @Test("a cross-site text/plain POST sets no code, no fault, no clock; a same-origin JSON one does")
    func crossSite() async throws {
        try await withEmulator { api in
            let code = #"{"code": "424242", "to": "+15005550006"}"#
            let refusals: [(HTTPFields, HTTPResponse.Status)] = [
                ([.contentType: "text/plain", .init("Origin")!: "https://attacker.example"], .forbidden),
                ([.contentType: "text/plain", .init("Sec-Fetch-Site")!: "cross-site"], .forbidden),
                ([.contentType: "application/json", .init("Sec-Fetch-Site")!: "same-site"], .forbidden),
                ([.contentType: "application/json", .init("Origin")!: "null"], .forbidden),
                // no browser marks: curl with -d sends a form, which the API does not take
                ([.contentType: "application/x-www-form-urlencoded"], .unsupportedMediaType),
                ([.contentType: "text/plain"], .unsupportedMediaType),
                ([:], .unsupportedMediaType),
            ]
            for (headers, status) in refusals {
                let answer = try await send(api, .post, "/emulator/v1/codes", body: code, headers: headers)
                #expect(answer.status == status, "\(headers)")
                #expect(answer.json["code"] as? Int == (status == .forbidden ? 20403 : 20415))
                #expect((answer.json["detail"] as? String)?.isEmpty == false)
            }
            let reset = try await send(
                api, .post, "/emulator/v1/reset", headers: [.init("Origin")!: "https://attacker.example"])
            #expect(reset.status == .forbidden)
            let clock = try await send(
                api, .post, "/emulator/v1/clock", body: #"{"advance_seconds": 600}"#,
                headers: [.contentType: "text/plain", .init("Sec-Fetch-Site")!: "cross-site"])
            #expect(clock.status == .forbidden)
            // nothing was set: a verification gets a random code, not the attacker's
            let service = try await api.createService()
            let started = try await api.startVerification(service, to: "+15005550006")
            #expect(started.status == .created)
            let sent = try await api.control(.get, "/emulator/v1/messages?to=%2B15005550006")
            let messages = try #require(sent.json["messages"] as? [[String: Any]])
            #expect(!messages.isEmpty && messages.allSatisfy { $0["code"] as? String != "424242" })
            // the inbox page's own requests: same origin, JSON
            let same = try await send(
                api, .post, "/emulator/v1/codes", body: code,
                headers: [
                    .contentType: "application/json; charset=utf-8", .init("Origin")!: "http://localhost",
                    .init("Sec-Fetch-Site")!: "same-origin",
                ])
            #expect(same.status == .created || same.status == .ok, "\(same.json)")
        }
    }

    /// A request with `host` as its `Host`, as a browser sends it after DNS rebinding.
    func send(_ api: EmulatorClient, _ path: String, host: String, auth: String? = nil) async throws -> APIResponse {
        let client = TestClient(host: "127.0.0.1", port: try #require(api.client.port))
        client.connect()
        var headers: HTTPFields = [:]
        if let auth { headers[.authorization] = auth }
        let response = try await client.execute(.init(path, method: .get, authority: host, headers: headers))
        try await client.shutdown()
        return APIResponse(
            status: response.status, headers: response.headers, body: Data(buffer: response.body ?? .init()))
    }

    @Test("a rebound host name reads nothing; loopback names, IP addresses and allowed names do")
    func dnsRebinding() async throws {
        try await withEmulator(configure: { $0.allowedHosts = try! AllowedHosts(parsing: "verify-emulator, .internal") }
        ) {
            api in
            for host in ["attacker.example", "attacker.example:4010", "localhost.attacker.example", "127.0.0.1.nip.io"]
            {
                let answer = try await send(api, "/emulator/v1/messages", host: host)
                #expect(answer.status == .forbidden, "\(host)")
                #expect((answer.json["detail"] as? String)?.contains("--allowed-hosts") == true)
                let twilio = try await send(api, "/v2/Services", host: host, auth: TestAccounts.mainAuth)
                #expect(twilio.status == .forbidden, "\(host)")
                // probes and scrapers may name the emulator as they like
                #expect(try await send(api, "/readyz", host: host).status == .ok)
            }
            for host in [
                "localhost:4010", "127.0.0.1:4010", "[::1]:4010", "app.localhost", "verify-emulator:4010",
                "db.internal", "10.0.0.5",
            ] {
                let answer = try await send(api, "/emulator/v1/messages", host: host)
                #expect(answer.status == .ok, "\(host)")
            }
        }
    }

    @Test("the inbox and the control API may not be framed; /v2 keeps its CORS answers")
    func framing() async throws {
        try await withEmulator { api in
            let inbox = try await send(api, .get, "/", headers: [:])
            #expect(inbox.headers[.contentSecurityPolicy]?.hasSuffix("; frame-ancestors 'none'") == true)
            #expect(inbox.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            let messages = try await send(api, .get, "/emulator/v1/messages", headers: [:])
            #expect(messages.headers[.contentSecurityPolicy] == "frame-ancestors 'none'")
            #expect(inbox.headers[.init("X-Frame-Options")!] == "DENY")
            let twilio = try await send(
                api, .get, "/v2/Services",
                headers: [.authorization: TestAccounts.mainAuth, .init("Origin")!: "https://demo.example"])
            #expect(twilio.status == .ok)
            #expect(twilio.headers[.init("Access-Control-Allow-Origin")!] == "https://demo.example")
        }
    }

    @Test("--allowed-hosts names what it refuses")
    func allowedHostsParsing() throws {
        #expect(
            try AllowedHosts(parsing: " verify-emulator , .internal,*").names == ["verify-emulator", ".internal", "*"])
        for bad in ["http://verify-emulator", "emulator/v1", "a b"] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try AllowedHosts(parsing: bad) }
        }
        #expect(AllowedHosts(["*"]).admits("anything.example"))
        #expect(!AllowedHosts([".internal"]).admits("internal.attacker.example"))
    }

    @Test("readiness says so when the database file was deleted under the running emulator")
    func deletedDatabase() async throws {
        let path = temporaryDatabasePath()
        try await withEmulator(databasePath: path) { api in
            #expect(try await api.control(.get, "/readyz").status == .ok)
            #expect(DatabaseFileIdentity(path: path) != nil)
            try FileManager.default.removeItem(atPath: path)
            let answer = try await api.control(.get, "/readyz")
            #expect(answer.status == .serviceUnavailable)
            #expect((answer.json["reason"] as? String)?.contains("deleted") == true)
        }
    }
}
