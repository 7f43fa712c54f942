import Foundation
import HTTPTypes
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Control API: its OpenAPI description and the 405 of a known path")
struct DescriptionTests {
    @Test("/emulator/v1/openapi.json describes every route the router has, with enums from the Swift enums")
    func described() async throws {
        try await withEmulator { api in
            let answer = try await api.control(.get, "/emulator/v1/openapi.json")
            #expect(answer.status == .ok && answer.headers[.contentType] == "application/json")
            #expect(answer.json["openapi"] as? String == "3.1.0")
            let paths = try #require(answer.json["paths"] as? [String: [String: Any]])
            #expect(Set(paths["/emulator/v1/clock"]?.keys.map { $0 } ?? []) == ["get", "post"])
            #expect(paths["/emulator/v1/snapshots/{name}/restore"]?["post"] != nil)
            let schemas = try #require((answer.json["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let status = try #require(schemas["VerificationStatus"] as? [String: Any])
            #expect(status["enum"] as? [String] == VerificationStatus.allCases.map(\.rawValue))
        }
    }

    @Test("another method on a control-API path is a 405 naming the methods it takes; an unknown path a 404")
    func methodNotAllowed() async throws {
        try await withEmulator { api in
            let refused = try await api.control(.delete, "/emulator/v1/clock")
            #expect(refused.status == .methodNotAllowed)
            #expect(refused.headers[.allow] == "GET, POST")
            #expect(refused.error?.code == 20004)
            #expect(refused.json["detail"] as? String == "DELETE is not supported on /emulator/v1/clock")
            let captured = try await api.control(.get, "/emulator/v1/faults/abc")
            #expect(captured.status == .methodNotAllowed && captured.headers[.allow] == "DELETE")
            let missing = try await api.control(.get, "/emulator/v1/nothing-here")
            #expect(missing.status == .notFound && missing.headers[.allow] == nil)
        }
    }
}
