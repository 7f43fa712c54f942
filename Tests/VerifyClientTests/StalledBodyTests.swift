import Foundation
import Testing
import VerifyClient
import VerifyEmulatorTesting

@Suite("An answer that stalls mid-body")
struct StalledBodyTests {
    func client(_ upstream: StallingUpstream) -> VerifyClient {
        VerifyClient(
            configuration: .init(
                baseURL: upstream.baseURL, credentials: .authToken(accountSid: "AC1", authToken: "x"),
                // not shorter: the healthy calls after the stalls must answer within it while the
                // whole suite loads the machine (seen: 2.6 s on two cores)
                timeout: .seconds(3)))
    }

    @Test("is a timeout, not a hang: the body is bounded by the timeout as the head is")
    func oneStall() async throws {
        let upstream = try await StallingUpstream()
        let client = client(upstream)
        await #expect(throws: VerifyClientError.timeout) {
            try await client.startVerification(serviceSid: "VA1", to: "+15005550006", channel: .sms)
        }
        // the stuck connection was closed, not kept in the pool
        try await waitUntil { upstream.closed.load(ordering: .relaxed) == 1 }
        try await client.shutdown()
        try await upstream.close()
    }

    @Test("ten at once all time out, their connections close, and the client recovers by itself")
    func tenStalls() async throws {
        let upstream = try await StallingUpstream()
        let client = client(upstream)
        let outcomes = await withTaskGroup(of: VerifyClientError?.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do {
                        _ = try await client.listServices()
                        return nil
                    } catch {
                        return error as? VerifyClientError
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        // the calls that got no connection from the full pool in time are timeouts too
        #expect(outcomes == Array(repeating: .timeout, count: 10))
        // every connection that carried a stalled answer was closed, none kept in the pool
        try await waitUntil {
            let opened = upstream.opened.load(ordering: .relaxed)
            return opened > 0 && upstream.closed.load(ordering: .relaxed) == opened
        }
        // Verify is healthy again: every later call gets its full answer at once (a Twilio 404
        // here), not a 502/504 from a pool full of stuck connections
        upstream.stalling.store(false, ordering: .relaxed)
        for _ in 0..<12 {
            let t0 = ContinuousClock.now
            defer { print("DEBUGCALL", ContinuousClock.now - t0) }
            do {
                _ = try await client.listServices()
                Issue.record("expected Twilio's 404")
            } catch {
                #expect((error as? VerifyClientError)?.code == 20404, "\(error)")
            }
        }
        try await client.shutdown()
        try await upstream.close()
    }

    /// Polls `condition` for up to 30 s: the closes are seen by the server's event loop shortly
    /// after the client gave up.
    func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<300 where !condition() { try await Task.sleep(for: .milliseconds(100)) }
        #expect(condition())
    }
}
