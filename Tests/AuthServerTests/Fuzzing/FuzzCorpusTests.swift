import Foundation
import Testing

@testable import AuthServer

@Suite("Fuzz corpus: the auth server's parsers take every input the fuzzer kept")
struct AuthFuzzCorpusTests {
    static func corpus(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder = folder.deletingLastPathComponent()
        }
        let inputs = folder.appendingPathComponent("Tests/Fixtures/fuzz/\(target)")
        return try FileManager.default.contentsOfDirectory(atPath: inputs.path).sorted().map { name in
            (name, [UInt8](try Data(contentsOf: inputs.appendingPathComponent(name))))
        }
    }

    @Test("JSON API bodies")
    func jsonBodies() throws {
        let corpus = try Self.corpus("auth-json")
        #expect(corpus.count >= 8)
        for input in corpus { FuzzEntryPoints.jsonBody(input.bytes) }
        let nul = try #require(corpus.first { $0.name == "seed-nul-password" })
        let fields = try JSONRequest.decode(JSONStrings.self, from: nul.bytes, example: "{}").values
        #expect(Passwords.problem(with: try #require(fields["password"]))?.contains("no control characters") == true)
    }

    @Test(".env files")
    func dotEnv() throws {
        let corpus = try Self.corpus("dot-env")
        #expect(corpus.count >= 5)
        for input in corpus { FuzzEntryPoints.dotEnv(input.bytes) }
        let example = try #require(corpus.first { $0.name == "seed-example" })
        let values = try DotEnv.parse(String(decoding: example.bytes, as: UTF8.self))
        #expect(values["SECRET_KEY"] == "" && values["BCRYPT_COST"] == "12")
    }
}
