import Foundation
import HTTPTypes
import Testing

@testable import AuthServer

/// PostgreSQL stopped under the running server: requests are answered 503 JSON within
/// `DATABASE_TIMEOUT` (never a hang, never a crash), and when it returns the pool reconnects by
/// itself with everything acknowledged before still there. The test runs a cluster of its own
/// (`scripts/pg-cluster.sh`), since it stops it.
@Suite(
    "Auth server: a PostgreSQL outage", .enabled(if: TestBackend.postgresURL != nil, "needs PostgreSQL's binaries"))
struct PostgresOutageTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/pg-cluster.sh").path

    /// Runs the cluster script and returns what it printed. (`system`, not `Process`: Foundation's
    /// `waitUntilExit` can miss the child's end when called from a test's task.) `pg_ctl` takes
    /// seconds, so the wait is on a thread of its own: blocking one of the cooperative pool's two
    /// threads here would stall every other suite's deadlines running beside this one.
    @discardableResult
    static func cluster(_ command: String, _ folder: String) async throws -> String {
        let output = folder + ".out"
        let line = "bash '\(script)' \(command) '\(folder)' > '\(output)'"
        let status = await withCheckedContinuation { (done: CheckedContinuation<Int32, Never>) in
            Thread.detachNewThread { done.resume(returning: system(line)) }
        }
        #expect(status == 0, "pg-cluster.sh \(command)")
        defer { try? FileManager.default.removeItem(atPath: output) }
        return try String(contentsOfFile: output, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("stopped: 503 JSON within the timeout; back: the same data, no restart")
    func outage() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pg-outage-\(UUID().uuidString)")
        // stopped on every way out, off the cooperative pool (a `defer` could only block)
        do {
            try await outage(in: folder)
        } catch {
            _ = try? await Self.cluster("stop", folder.path)
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        _ = try? await Self.cluster("stop", folder.path)
        try? FileManager.default.removeItem(at: folder)
    }

    func outage(in folder: URL) async throws {
        let url = try PostgresURL(try await Self.cluster("start", folder.path))
        try await withAccounts(configure: { configuration in
            configuration.databaseURL = url
            // short enough to bound the outage, long enough that a healthy call on a loaded
            // two-core machine (the whole suite beside this one) is not cut off
            configuration.databaseTimeout = .seconds(3)
        }) { stack in
            let register = #"{"username": "otto", "email": "otto@example.com", "password": "correct-horse-battery"}"#
            #expect(try await stack.json(.post, "/api/accounts/register", register).0 == .created)
            let login = #"{"login": "otto", "password": "correct-horse-battery"}"#
            let (_, tokens, _) = try await stack.json(.post, "/api/accounts/login", login)
            let access = try #require(tokens["access_token"] as? String)

            try await Self.cluster("stop", folder.path)
            for _ in 0..<3 {
                let started = ContinuousClock.now
                let (status, body, headers) = try await stack.json(.post, "/api/accounts/login", login)
                #expect(status == .serviceUnavailable)
                #expect(body["message"] as? String == "The database is unavailable; try again shortly")
                #expect(headers[.retryAfter] == "5")
                #expect(ContinuousClock.now - started < .seconds(6))
            }
            #expect(try await stack.json(.get, "/api/accounts/me", token: access).0 == .serviceUnavailable)
            let (ready, readiness, _) = try await stack.json(.get, "/readyz")
            #expect(ready == .serviceUnavailable)
            #expect(readiness["status"] as? String == "unavailable")
            #expect(readiness["reason"] as? String == "the database does not take a write")
            #expect(try await stack.json(.get, "/livez").0 == .ok)
            let page = try await stack.browser().get("/login")
            #expect(page.status == .ok)  // a page that needs no database still answers

            try await Self.cluster("resume", folder.path)
            var recovered = false
            for _ in 0..<40 where !recovered {
                recovered = try await stack.json(.post, "/api/accounts/login", login).0 == .ok
                if !recovered { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(recovered, "the pool reconnects by itself")
            let (me, account, _) = try await stack.json(.get, "/api/accounts/me", token: access)
            #expect(me == .ok && account["username"] as? String == "otto")
            #expect(try await stack.json(.get, "/readyz").0 == .ok)
        }
    }
}
