import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import VerifyEmulatorTesting
import VerifyWire

@testable import VerifyEmulator

/// Two accounts and an API key, so tests can prove isolation and both credential kinds.
enum TestAccounts {
    static let main = TwilioAccount(
        sid: SID("AC11111111111111111111111111111111")!, authToken: "main-token",
        apiKeys: [.init(sid: SID("SK11111111111111111111111111111111")!, secret: "main-key-secret")])
    static let other = TwilioAccount(sid: SID("AC22222222222222222222222222222222")!, authToken: "other-token")

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }
    static let mainAuth = basic(main.sid.rawValue, main.authToken)
    static let otherAuth = basic(other.sid.rawValue, other.authToken)
}

/// A response decoded for assertions.
struct APIResponse {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: Data

    func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: body)
    }
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }
    var error: TwilioError? { try? decode(TwilioError.self) }

    /// A control-API list's items under `key` (beside them, the answer carries `meta`).
    func items<Item: Decodable>(_ key: String, as: Item.Type = Item.self) throws -> [Item] {
        let items = json[key] ?? []
        return try JSONDecoder().decode([Item].self, from: JSONSerialization.data(withJSONObject: items))
    }
}

/// Drives one emulator over real HTTP on loopback (Hummingbird's live test framework).
struct EmulatorClient {
    let client: any TestClientProtocol
    let clock: EmulatorClock

    func request(
        _ method: HTTPRequest.Method, _ path: String, form: [(String, String)]? = nil,
        auth: String? = TestAccounts.mainAuth, rawBody: ByteBuffer? = nil, contentType: String? = nil
    ) async throws -> APIResponse {
        var headers: HTTPFields = [:]
        if let auth { headers[.authorization] = auth }
        if let contentType { headers[.contentType] = contentType }
        var body = rawBody
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: FormData(form.map { (name: $0.0, value: $0.1) }).encoded)
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            APIResponse(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        }
    }

    func post(
        _ path: String, _ form: [(String, String)], auth: String? = TestAccounts.mainAuth
    ) async throws
        -> APIResponse
    {
        try await request(.post, path, form: form, auth: auth)
    }

    /// A POST of `object` as JSON, as the Passkeys operations take.
    func postJSON(_ path: String, _ object: Any, auth: String? = TestAccounts.mainAuth) async throws -> APIResponse {
        let body = try JSONSerialization.data(withJSONObject: object)
        return try await request(
            .post, path, auth: auth, rawBody: ByteBuffer(bytes: body), contentType: "application/json")
    }

    func get(_ path: String, auth: String? = TestAccounts.mainAuth) async throws -> APIResponse {
        try await request(.get, path, auth: auth)
    }

    /// Creates a service and returns its SID.
    func createService(
        _ name: String = "Test App", _ extra: [(String, String)] = [], auth: String = TestAccounts.mainAuth
    )
        async throws -> String
    {
        let response = try await post("/v2/Services", [("FriendlyName", name)] + extra, auth: auth)
        #expect(response.status == .created)
        return try response.decode(ServiceResource.self).sid
    }

    func startVerification(
        _ service: String, to: String = "+15005550006", channel: String = "sms", _ extra: [(String, String)] = []
    )
        async throws -> APIResponse
    {
        try await post("/v2/Services/\(service)/Verifications", [("To", to), ("Channel", channel)] + extra)
    }

    func check(_ service: String, to: String = "+15005550006", code: String) async throws -> APIResponse {
        try await post("/v2/Services/\(service)/VerificationCheck", [("To", to), ("Code", code)])
    }

    /// Sends `count` copies of one POST at once, each on its own connection, so the server
    /// really handles them concurrently.
    func concurrentPosts(_ count: Int, _ path: String, _ form: [(String, String)]) async throws -> [APIResponse] {
        let port = try #require(client.port)
        let body = FormData(form.map { (name: $0.0, value: $0.1) }).encoded
        return try await withThrowingTaskGroup(of: APIResponse.self) { group in
            for _ in 0..<count {
                group.addTask {
                    let connection = TestClient(host: "localhost", port: port)
                    connection.connect()
                    let headers: HTTPFields = [
                        .authorization: TestAccounts.mainAuth, .contentType: "application/x-www-form-urlencoded",
                    ]
                    let response = try await connection.execute(
                        .init(
                            path, method: .post, authority: "localhost", headers: headers,
                            body: ByteBuffer(string: body)))
                    try await connection.shutdown()
                    return APIResponse(
                        status: response.status, headers: response.headers,
                        body: Data(buffer: response.body ?? ByteBuffer()))
                }
            }
            return try await group.reduce(into: [APIResponse]()) { $0.append($1) }
        }
    }

    /// A verification started on a new service, with the code that was "sent" and a code that
    /// is certainly wrong.
    func startWithCode(
        to: String = "+15005550006"
    ) async throws -> (
        service: String, verification: VerificationResource, code: String, wrongCode: String
    ) {
        let service = try await createService()
        let verification = try await startVerification(service, to: to).decode(VerificationResource.self)
        let code = try #require(try await lastMessage(to: to)).code
        return (service, verification, code, code == "000000" ? "111111" : "000000")
    }

    /// The newest "sent" message to `to`, read through the control API as a test would.
    func lastMessage(to: String = "+15005550006") async throws -> OutboxMessage? {
        let response = try await get("/emulator/v1/messages?to=\(FormData.encode(to))", auth: nil)
        return try response.items("messages", as: OutboxMessage.self).first
    }
}

/// Starts an emulator with test accounts on a fresh in-memory database (or the given file),
/// runs `body` against it over loopback HTTP, then shuts it down.
func withEmulator(
    databasePath: String = ":memory:",
    configure: (inout EmulatorConfiguration) -> Void = { _ in },
    _ body: @Sendable (EmulatorClient) async throws -> Void
) async throws {
    var logger = Logger(label: "verify-emulator-test")
    logger.logLevel = .warning
    try await withVerifyEmulator(logger: logger) { configuration in
        configuration.databasePath = databasePath
        configuration.accounts = [TestAccounts.main, TestAccounts.other]
        configure(&configuration)
    } _: { emulator in
        try await body(EmulatorClient(client: emulator.client, clock: emulator.clock))
    }
}

/// A path to a fresh SQLite file in a temporary folder.
func temporaryDatabasePath() -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "verify-emulator-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent("state.sqlite").path
}

/// The repository's root folder: the nearest folder above this file with a `Package.swift`.
func repositoryRoot() -> URL {
    var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path),
        folder.pathComponents.count > 1
    {
        folder = folder.deletingLastPathComponent()
    }
    return folder
}

/// The property names of a schema in Twilio's OpenAPI description, vendored in
/// `Tests/Fixtures/twilio-oai` so a clone of the repository alone runs every test.
func specProperties(_ schema: String) throws -> Set<String> {
    let specURL = repositoryRoot().appendingPathComponent("Tests/Fixtures/twilio-oai/twilio_verify_v2.json")
    let spec = try JSONSerialization.jsonObject(with: Data(contentsOf: specURL)) as! [String: Any]
    let schemas = (spec["components"] as! [String: Any])["schemas"] as! [String: Any]
    let properties = (schemas[schema] as! [String: Any])["properties"] as! [String: Any]
    return Set(properties.keys)
}
