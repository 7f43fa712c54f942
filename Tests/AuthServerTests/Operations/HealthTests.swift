import HTTPTypes
import Testing

@testable import AuthServer

/// `/livez` answers while the process runs; `/readyz` only while the database takes a write (its
/// failure is in PostgresOutageTests, which stops the database under the server).
@Suite("Auth server: liveness and readiness")
struct HealthTests {
    @Test("live, ready, and /healthz as before, on the suite's backend")
    func liveAndReady() async throws {
        try await withStack { stack in
            let (live, liveBody, _) = try await stack.json(.get, "/livez")
            #expect(live == .ok && liveBody["status"] as? String == "ok")
            let (ready, readyBody, headers) = try await stack.json(.get, "/readyz")
            #expect(ready == .ok && readyBody["status"] as? String == "ready")
            #expect(readyBody["reason"] == nil)
            #expect(headers[.cacheControl] == "no-store")
            #expect(try await stack.json(.get, "/healthz").0 == .ok)
        }
    }
}
