import Foundation
import Testing

@testable import AuthServer

@Suite("Auth server: .env files")
struct DotEnvTests {
    @Test("settings, comments, blank lines, export, quotes; an empty value is empty and keeps the next line")
    func parses() throws {
        let values = try DotEnv.parse(
            """
            # a comment
            SECRET_KEY=
            BCRYPT_COST=12

            export PORT=8000
            JWT_ISSUER="https://auth.example.com"   # where tokens come from
            JWT_AUDIENCE='my app # not a comment'
            TWILIO_AUTH_TOKEN="a \\"quoted\\" token"
            HOST=127.0.0.1 # loopback
            WINDOWS=line\r
            """)
        #expect(values["SECRET_KEY"] == "")
        #expect(values["BCRYPT_COST"] == "12")
        #expect(values["PORT"] == "8000")
        #expect(values["JWT_ISSUER"] == "https://auth.example.com")
        #expect(values["JWT_AUDIENCE"] == "my app # not a comment")
        #expect(values["TWILIO_AUTH_TOKEN"] == #"a "quoted" token"#)
        #expect(values["HOST"] == "127.0.0.1")
        #expect(values["WINDOWS"] == "line")
        #expect(values.count == 8)
    }

    @Test(
        "a line that is not a setting is an error naming its number",
        arguments: [
            ("PORT=8000\nnot a setting\n", 2, "expected NAME=value"),
            ("1PORT=8000", 1, "'1PORT' is not a variable name"),
            ("A=1\nB=\"open\n", 2, "a quote that is never closed"),
            ("A='x' y", 1, "text after the closing quote"),
        ])
    func refuses(text: String, line: Int, problem: String) {
        #expect(throws: DotEnv.Invalid(line: line, problem: problem)) { try DotEnv.parse(text) }
    }

    @Test("the shipped .env.example parses, and as shipped it means development mode")
    func example() throws {
        // Tests/AuthServerTests/Configuration/ -> the repository root
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent(".env.example").path
        let values = try #require(try DotEnv.load(path: path))
        let configuration = try AuthConfiguration.fromEnvironment(values)
        #expect(configuration.developmentMode)
        #expect(configuration.verify.baseURL == "http://127.0.0.1:4010")
    }
}
