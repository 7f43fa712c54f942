import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServerOperations
import Synchronization
import Testing

/// Opens once; every waiter before and after then goes on.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}

@Suite("healthcheck: GET /readyz on the configured host and port")
struct HealthCheckTests {
    @Test("a wildcard bind address is asked on loopback; a named one as given")
    func probeHost() {
        #expect(HealthCheck.probeHost(forBind: "0.0.0.0") == "127.0.0.1")
        #expect(HealthCheck.probeHost(forBind: "") == "127.0.0.1")
        #expect(HealthCheck.probeHost(forBind: "::") == "::1")
        #expect(HealthCheck.probeHost(forBind: "[::1]") == "::1")
        #expect(HealthCheck.probeHost(forBind: "10.1.2.3") == "10.1.2.3")
        #expect(HealthCheck(bindHost: "::", port: 4010).url == "http://[::1]:4010/readyz")
    }

    @Test("200 is ready; 503 is not, naming the status and the server's reason; a slow server is a timeout")
    func answers() async throws {
        let ready = Mutex(true)
        let gate = Gate()
        let router = Router()
        router.get("/readyz") { _, _ -> Response in
            if ready.withLock({ $0 }) {
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ready"}"#)))
            }
            return Response(
                status: .serviceUnavailable,
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: #"{"status":"unavailable","reason":"the database does not take a write"}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // a generous timeout: these answers come at once, but a loaded machine may be slow
            let check = HealthCheck(bindHost: "0.0.0.0", port: port, timeout: .seconds(30))
            #expect(await check.run() == .init(isReady: true, line: "ready: http://127.0.0.1:\(port)/readyz"))
            ready.withLock { $0 = false }
            #expect(
                await check.run()
                    == .init(
                        isReady: false,
                        line:
                            "not ready: http://127.0.0.1:\(port)/readyz answered 503: the database does not take a write"
                    ))
        }
        // a server that accepts but never answers: the check gives up at its timeout
        let silent = Router()
        silent.get("/readyz") { _, _ -> HTTPResponse.Status in
            await gate.wait()
            return .ok
        }
        let slow = Application(router: silent, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await slow.test(.live) { client in
            let port = try #require(client.port)
            let result = await HealthCheck(bindHost: "127.0.0.1", port: port, timeout: .milliseconds(300)).run()
            await gate.open()
            #expect(!result.isReady)
            #expect(result.line.hasSuffix("no answer within \(Duration.milliseconds(300))"), "\(result.line)")
        }
    }

    @Test("nothing listening: not ready, one line naming the URL and the refusal")
    func refused() async {
        // nothing listens on port 9 (discard) here
        let result = await HealthCheck(bindHost: "127.0.0.1", port: 9).run()
        #expect(
            result
                == .init(isReady: false, line: "not ready: cannot reach http://127.0.0.1:9/readyz: connection refused"))
    }

    @Test("an answer's body is kept up to the limit")
    func bodyLimit() async throws {
        let router = Router()
        router.get("/big") { _, _ in String(repeating: "x", count: 100_000) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            var exchange = PlainHTTPExchange(
                host: "127.0.0.1", port: try #require(client.port), path: "/big", timeout: .seconds(30))
            exchange.bodyLimit = 1000
            #expect(await exchange.send() == .answered(status: 200, body: String(repeating: "x", count: 1000)))
        }
    }
}

@Suite("--version: the VERSION file and the commit built from")
struct BuildInfoTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test("the version is the VERSION file's; the commit is one of this repository's")
    func versionAndCommit() throws {
        let file = try String(contentsOf: Self.repository.appending(path: "VERSION"), encoding: .utf8)
        #expect(BuildInfo.version == file.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(BuildInfo.description == "\(BuildInfo.version) (commit \(BuildInfo.commit))")
        guard FileManager.default.fileExists(atPath: Self.repository.appending(path: ".git").path) else {
            #expect(BuildInfo.commit == "unknown" || !BuildInfo.commit.isEmpty)
            return
        }
        #expect(BuildInfo.commit.count == 12 && BuildInfo.commit.allSatisfy(\.isHexDigit), "\(BuildInfo.commit)")
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        git.arguments = ["-C", Self.repository.path, "cat-file", "-e", "\(BuildInfo.commit)^{commit}"]
        try git.run()
        git.waitUntilExit()
        #expect(git.terminationStatus == 0, "\(BuildInfo.commit) is not a commit of this repository")
    }
}
