import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ServerOperations

/// `auth-login`: logs in to an auth-server by SMS code from the terminal, like the seed's
/// interactive script: asks for a phone number, sends the code, asks for the code, verifies,
/// prints the token's claims and calls the protected route.
@main
struct AuthLogin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth-login", abstract: "Log in to an auth-server with an SMS code, from the terminal.",
        version: "auth-login \(BuildInfo.description)")

    @Option(help: "The auth server's base URL.")
    var server: String = ProcessInfo.processInfo.environment["AUTH_SERVER_URL"] ?? "http://127.0.0.1:8000"

    @Option(help: "The phone number (asked for when not given).")
    var phone: String?

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await login(client)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func login(_ client: HTTPClient) async throws {
        let base = server.hasSuffix("/") ? String(server.dropLast()) : server

        let phone = try self.phone ?? ask("Phone number (E.164, e.g. +14155550100): ")
        let (sendStatus, sent) = try await post(client, "\(base)/api/auth/send-verification", ["phone_number": phone])
        guard sendStatus == 200 else { throw failure("sending the code", sendStatus, sent) }
        print("✓ \(sent["message"] as? String ?? "Code sent")")

        let code = try ask("Code: ")
        let (status, body) = try await post(
            client, "\(base)/api/auth/verify-code", ["phone_number": phone, "code": code])
        guard status == 200, let token = body["token"] as? String else { throw failure("verifying", status, body) }
        print("✓ \(body["message"] as? String ?? "Verified") as \(body["phone_number"] as? String ?? phone)")
        print("Token claims:")
        for (name, value) in Self.claims(of: token).sorted(by: { $0.key < $1.key }) {
            print("  \(name): \(value)")
        }

        var request = HTTPClientRequest(url: "\(base)/api/auth/protected")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await client.execute(request, timeout: .seconds(10))
        let protectedBody = try await response.body.collect(upTo: 1 << 20)
        print("GET /api/auth/protected -> \(response.status.code) \(String(buffer: protectedBody))")
        if response.status.code != 200 { throw ExitCode(1) }
    }

    private func ask(_ prompt: String) throws -> String {
        FileHandle.standardOutput.write(Data(prompt.utf8))
        guard let line = readLine(), !line.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("no answer given")
        }
        return line.trimmingCharacters(in: .whitespaces)
    }

    private func post(
        _ client: HTTPClient, _ url: String, _ body: [String: String]
    ) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await client.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), json)
    }

    private func failure(_ step: String, _ status: Int, _ body: [String: Any]) -> any Error {
        let message = body["message"] as? String ?? body["msg"] as? String ?? "HTTP \(status)"
        FileHandle.standardError.write(Data("✗ \(step) failed (\(status)): \(message)\n".utf8))
        return ExitCode(1)
    }

    /// The token's payload, decoded for display (not verified: the server did that).
    static func claims(of token: String) -> [String: Any] {
        let parts = token.split(separator: ".")
        guard parts.count == 3 else { return [:] }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        var claims = object
        for name in ["iat", "nbf", "exp"] {
            if let seconds = object[name] as? Double {
                claims[name] = "\(Int(seconds)) (\(Date(timeIntervalSince1970: seconds)))"
            }
        }
        return claims
    }
}
