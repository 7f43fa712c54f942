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

@Suite("Auth server: its OpenAPI description and the 405 of a known path")
struct DescriptionTests {
    @Test("/openapi.json describes the JSON API; another method on a known path is a 405 with Allow")
    func describedAndAllowed() async throws {
        try await withStack { stack in
            let (status, document, headers) = try await stack.json(.get, "/openapi.json")
            #expect(status == .ok && headers[.contentType] == "application/json")
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: Any])
            #expect(paths["/api/accounts/login"] != nil && paths["/api/auth/verify-code"] != nil)
            #expect(paths["/login"] == nil)
            let (refused, body, refusedHeaders) = try await stack.json(.put, "/api/accounts/me")
            #expect(refused == .methodNotAllowed)
            #expect(refusedHeaders[.allow] == "DELETE, GET")
            #expect(body["message"] as? String == "PUT is not allowed on /api/accounts/me; it takes DELETE, GET")
            // a path no route has stays a 404
            #expect(try await stack.json(.delete, "/api/accounts/nothing").0 == .notFound)
        }
    }
}
