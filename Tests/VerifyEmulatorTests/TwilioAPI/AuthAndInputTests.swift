import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing
import VerifyEmulatorTesting
import VerifyWire

@testable import VerifyEmulator

@Suite("Authentication and bad input")
struct AuthAndInputTests {
    @Test(
        "wrong or missing credentials get 401/20003 with Twilio's body",
        arguments: [
            nil,
            "Bearer abc",
            "Basic !!!notbase64",
            TestAccounts.basic("AC11111111111111111111111111111111", "wrong-token"),
            TestAccounts.basic("AC33333333333333333333333333333333", "main-token"),
            TestAccounts.basic("SK11111111111111111111111111111111", "wrong-secret"),
            TestAccounts.basic("AC11111111111111111111111111111111", ""),
        ] as [String?])
    func refused(authorization: String?) async throws {
        try await withEmulator { api in
            let response = try await api.get("/v2/Services", auth: authorization)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate] == "Basic realm=\"Twilio API\"")
            let error = try #require(response.error)
            #expect(error.code == 20003)
            #expect(error.status == 401)
            #expect(error.message == "Authenticate")
            #expect(error.detail == "Your AccountSid or AuthToken was incorrect.")
            #expect(error.moreInfo == "https://www.twilio.com/docs/errors/20003")
        }
    }

    @Test("two Authorization headers are refused, even when both are right")
    func repeatedAuthorization() async throws {
        try await withEmulator { api in
            var headers = HTTPFields()
            headers.append(HTTPField(name: .authorization, value: TestAccounts.mainAuth))
            headers.append(HTTPField(name: .authorization, value: TestAccounts.mainAuth))
            let (status, code) = try await api.client.execute(uri: "/v2/Services", method: .get, headers: headers) {
                ($0.status, try? JSONDecoder().decode(TwilioError.self, from: Data(buffer: $0.body)).code)
            }
            #expect(status == .unauthorized)
            #expect(code == 20003)
        }
    }

    @Test("unknown /v2 paths need credentials too")
    func unknownPathNeedsAuth() async throws {
        try await withEmulator { api in
            let anonymous = try await api.get("/v2/Nothing", auth: nil)
            #expect(anonymous.status == .unauthorized)
            let authenticated = try await api.get("/v2/Nothing")
            #expect(authenticated.status == .notFound)
        }
    }

    @Test("an API key authenticates as its account")
    func apiKey() async throws {
        try await withEmulator { api in
            let sid = try await api.createService("Via token")
            let keyAuth = TestAccounts.basic("SK11111111111111111111111111111111", "main-key-secret")
            let response = try await api.get("/v2/Services/\(sid)", auth: keyAuth)
            #expect(response.status == .ok)
            #expect(try response.decode(ServiceResource.self).accountSid == TestAccounts.main.sid.rawValue)
        }
    }

    @Test("the default account works when no accounts are configured")
    func defaultAccount() async throws {
        try await withEmulator(configure: { $0.accounts = [] }) { api in
            let auth = TestAccounts.basic(TwilioAccount.default.sid.rawValue, TwilioAccount.default.authToken)
            let response = try await api.get("/v2/Services/\(ServiceFixture.default.sid)", auth: auth)
            #expect(response.status == .ok)
            #expect(try await api.get("/v2/Services", auth: TestAccounts.mainAuth).status == .unauthorized)
        }
    }

    @Test("unknown paths are 404/20404 and unsupported methods 405/20004 with Allow")
    func routing() async throws {
        try await withEmulator { api in
            let unknown = try await api.get("/v2/Services/VA00000000000000000000000000000000/Nothing")
            #expect(unknown.status == .notFound)
            #expect(unknown.error?.code == 20404)
            #expect(try await api.get("/nowhere", auth: nil).error?.code == 20404)

            let put = try await api.request(.put, "/v2/Services")
            #expect(put.status == .methodNotAllowed)
            #expect(put.error?.code == 20004)
            #expect(put.headers[.allow] == "GET, POST")
            let service = try await api.createService()
            let deleteCheck = try await api.request(.delete, "/v2/Services/\(service)/VerificationCheck")
            #expect(deleteCheck.status == .methodNotAllowed)
            #expect(deleteCheck.headers[.allow] == "POST")
            let getVerifications = try await api.get("/v2/Services/\(service)/Verifications")
            #expect(getVerifications.status == .methodNotAllowed)
        }
    }

    @Test("malformed form bodies are 400/20001 and store nothing")
    func malformedBody() async throws {
        try await withEmulator { api in
            for body in ["FriendlyName=%ZZ", "FriendlyName=%E", "FriendlyName=%FF%FE"] {
                let response = try await api.request(.post, "/v2/Services", rawBody: ByteBuffer(string: body))
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.error?.code == 20001)
            }
            let query = try await api.get("/v2/Services?PageSize=%G1")
            #expect(query.status == .badRequest)
            let list = try await api.get("/v2/Services").decode(ListPage<ServiceResource>.self)
            #expect(list.items.isEmpty)
        }
    }

    @Test("oversized bodies are 413 with a Twilio body")
    func oversizedBody() async throws {
        try await withEmulator(configure: { $0.maxBodySize = 1024 }) { api in
            let big = "FriendlyName=" + String(repeating: "a", count: 4096)
            let response = try await api.request(.post, "/v2/Services", rawBody: ByteBuffer(string: big))
            #expect(response.status == .contentTooLarge)
            #expect(response.error?.status == 413)
            #expect(response.error?.code == 20001)
            // the connection is closed rather than left reading the rest of the upload; the
            // server still works on a new one
            #expect(response.headers[.connection] == "close")
            let fresh = TestClient(host: "localhost", port: try #require(api.client.port))
            fresh.connect()
            let health = try await fresh.execute(.init("/healthz", method: .get, authority: "localhost"))
            try await fresh.shutdown()
            #expect(health.status == .ok)
        }
    }

    @Test("unknown parameters are ignored, as Twilio does")
    func unknownParameters() async throws {
        try await withEmulator { api in
            let response = try await api.post("/v2/Services", [("FriendlyName", "X"), ("Favourite", "blue")])
            #expect(response.status == .created)
        }
    }
}

@Suite("Control API and storage")
struct ControlAndStorageTests {
    @Test("GET /healthz answers 200")
    func health() async throws {
        try await withEmulator { api in
            let response = try await api.get("/healthz", auth: nil)
            #expect(response.status == .ok)
            #expect(response.json["status"] as? String == "ok")
        }
    }

    @Test("GET /livez and /readyz answer 200 with no credentials; /readyz says ready")
    func liveAndReady() async throws {
        try await withEmulator { api in
            let live = try await api.get("/livez", auth: nil)
            #expect(live.status == .ok && live.json["status"] as? String == "ok")
            let ready = try await api.get("/readyz", auth: nil)
            #expect(ready.status == .ok && ready.json["status"] as? String == "ready")
        }
    }

    @Test("GET /readyz is 503 with the reason while another process holds the database's write lock")
    func notReadyWhileLocked() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("readyz-\(UUID().uuidString).sqlite")
            .path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try await withEmulator(databasePath: path) { api in
            // another connection takes the write lock and holds it until told
            let lock = try await SQLiteWriteLock.hold(path: path)
            let locked = try await api.get("/readyz", auth: nil)
            #expect(locked.status == .serviceUnavailable)
            #expect(locked.json["status"] as? String == "unavailable")
            #expect((locked.json["reason"] as? String)?.contains("the database does not take a write") == true)
            #expect(try await api.get("/livez", auth: nil).status == .ok)
            try await lock.release()
            #expect(try await api.get("/readyz", auth: nil).status == .ok)
        }
    }

    @Test("messages filter by to, service_sid and verification_sid, newest first")
    func messageFilters() async throws {
        try await withEmulator { api in
            let first = try await api.createService("First")
            let second = try await api.createService("Second")
            let a = try await api.startVerification(first, to: "+15005550001").decode(VerificationResource.self)
            _ = try await api.startVerification(first, to: "+15005550002")
            _ = try await api.startVerification(second, to: "+15005550001")
            _ = try await api.startVerification(first, to: "+15005550001")

            func messages(_ query: String) async throws -> [OutboxMessage] {
                try await api.get("/emulator/v1/messages?\(query)", auth: nil).items("messages", as: OutboxMessage.self)
                    ?? []
            }
            let all = try await messages("")
            #expect(all.count == 4)
            #expect(Set(all[0].toAddressAndService) == Set(["+15005550001", first]))
            let toOne = try await messages("to=%2B15005550001")
            #expect(toOne.count == 3)
            #expect(toOne.allSatisfy { $0.to == "+15005550001" })
            let byService = try await messages("service_sid=\(second)")
            #expect(byService.count == 1 && byService[0].serviceSid == second)
            let byVerification = try await messages("verification_sid=\(a.sid)")
            #expect(byVerification.count == 2)
            #expect(byVerification.allSatisfy { $0.verificationSid == a.sid && $0.code == byVerification[0].code })
            #expect(try await messages("limit=1").count == 1)
            #expect(try await api.get("/emulator/v1/messages?limit=0", auth: nil).status == .badRequest)
        }
    }

    @Test("state survives a restart on the same SQLite file")
    func survivesRestart() async throws {
        let path = temporaryDatabasePath()
        let state = try await Self.startOnce(path: path)
        try await withEmulator(databasePath: path) { api in
            let service = try await api.get("/v2/Services/\(state.service)")
            #expect(service.status == .ok)
            let verification = try await api.get("/v2/Services/\(state.service)/Verifications/\(state.verification)")
            #expect(verification.status == .ok)
            #expect(try await api.lastMessage()?.code == state.code)
            let check = try await api.check(state.service, code: state.code)
            #expect(try check.decode(VerificationCheckResource.self).status == .approved)
        }
        #expect(FileManager.default.fileExists(atPath: path))
        try await withEmulator(databasePath: path) { api in
            // the approval itself was stored
            let again = try await api.check(state.service, code: state.code)
            #expect(again.status == .notFound)
        }
    }

    struct StartedState: Sendable {
        var service: String
        var verification: String
        var code: String
    }

    static func startOnce(path: String) async throws -> StartedState {
        let box = Box()
        try await withEmulator(databasePath: path) { api in
            let service = try await api.createService()
            let verification = try await api.startVerification(service).decode(VerificationResource.self)
            let code = try #require(try await api.lastMessage()).code
            box.set(StartedState(service: service, verification: verification.sid, code: code))
        }
        return try #require(box.get())
    }

    @Test("the database file runs in WAL mode with migrations applied")
    func walMode() async throws {
        let path = temporaryDatabasePath()
        let writer = try EmulatorDatabase.open(path: path)
        let mode = try await writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let tables = try await writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(tables.contains("service") && tables.contains("verification") && tables.contains("message"))
        // opening again is a no-op for the migrator
        _ = try EmulatorDatabase.open(path: path)
    }
}

extension OutboxMessage {
    fileprivate var toAddressAndService: [String] { [to, serviceSid] }
}

/// A Sendable holder for a value produced inside a `@Sendable` test body.
final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var value: ControlAndStorageTests.StartedState?
    func set(_ value: ControlAndStorageTests.StartedState) { lock.withLock { self.value = value } }
    func get() -> ControlAndStorageTests.StartedState? { lock.withLock { value } }
}
