import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ServerOperations

/// `auth-login`: logs in to an auth-server from the terminal, by SMS code (asks for the number,
/// sends the code, asks for it) or by password and, when the account has one, a second factor;
/// then prints the token's claims and calls the protected route. For scripts, `--code` answers
/// without a prompt and `--print-token` prints only the access token.
@main
struct AuthLogin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth-login",
        abstract: "Log in to an auth-server from the terminal: by SMS code, or by password and second factor.",
        discussion: """
            With --print-token, standard output holds only the access token (prompts and progress go to \
            standard error): TOKEN=$(auth-login --phone +14155550100 --code 123456 --print-token)
            The password comes from AUTH_LOGIN_PASSWORD, or is asked for (not echoed on a terminal).
            """,
        version: "auth-login \(BuildInfo.description)")

    @Option(help: "The auth server's base URL. [env: AUTH_SERVER_URL]")
    var server: String = ProcessInfo.processInfo.environment["AUTH_SERVER_URL"] ?? "http://127.0.0.1:8000"

    @Option(help: "Log in by SMS code to this phone number (asked for when neither it nor --user is given).")
    var phone: String?

    @Option(name: .customLong("user"), help: "Log in with this username or email and its password instead.")
    var username: String?

    @Option(help: "The code: the SMS login's, or the second factor's (asked for when not given).")
    var code: String?

    @Option(help: "The second factor to use: totp, sms, push or recovery (asked when the account has several).")
    var method: String?

    @Flag(name: .customLong("print-token"), help: "Print only the access token on standard output.")
    var printToken = false

    func validate() throws {
        if phone != nil, username != nil {
            throw ValidationError("--phone and --user are two ways to log in: give one")
        }
        if let method, !["totp", "sms", "push", "recovery"].contains(method) {
            throw ValidationError("--method '\(method)': must be totp, sms, push or recovery")
        }
        if let code, code.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--code is empty")
        }
    }

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let session = Session(client: client, base: server.hasSuffix("/") ? String(server.dropLast()) : server)
            let token = try await username != nil ? passwordLogin(session) : smsLogin(session)
            try await finish(session, token: token)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    // MARK: Logins

    private func smsLogin(_ session: Session) async throws -> String {
        let phone = try self.phone ?? ask("Phone number (E.164, e.g. +14155550100): ")
        let (sendStatus, sent) = try await session.post("/api/auth/send-verification", ["phone_number": phone])
        guard sendStatus == 200 else { throw failure("sending the code", sendStatus, sent) }
        say("✓ \(sent["message"] as? String ?? "Code sent")")
        let code = try self.code ?? ask("Code: ")
        let (status, body) = try await session.post(
            "/api/auth/verify-code", ["phone_number": phone, "code": code])
        guard status == 200, let token = body["token"] as? String else { throw failure("verifying", status, body) }
        say("✓ \(body["message"] as? String ?? "Verified") as \(body["phone_number"] as? String ?? phone)")
        return token
    }

    private func passwordLogin(_ session: Session) async throws -> String {
        let login = username ?? ""
        let password = try ProcessInfo.processInfo.environment["AUTH_LOGIN_PASSWORD"] ?? askSecret("Password: ")
        let (status, body) = try await session.post("/api/accounts/login", ["login": login, "password": password])
        guard status == 200 else { throw failure("logging in", status, body) }
        if let token = body["access_token"] as? String {
            say("✓ \(body["message"] as? String ?? "Logged in") as \(body["username"] as? String ?? login)")
            return token
        }
        guard let challenge = body["challenge"] as? String else { throw failure("logging in", status, body) }
        let methods = body["methods"] as? [String] ?? []
        say("✓ Password accepted; second factor: \(methods.joined(separator: ", "))")
        let method =
            try self.method
            ?? (methods.count == 1 ? methods[0] : ask("Method (\((methods + ["recovery"]).joined(separator: ", "))): "))
        switch method {
        case "push": return try await approveByPush(session, challenge: challenge)
        case "sms" where body["sms_sent"] as? Bool != true:
            let (sentStatus, sent) = try await session.post(
                "/api/accounts/login/resend", ["challenge": challenge, "method": "sms"])
            guard sentStatus == 200 else { throw failure("sending the code", sentStatus, sent) }
            say("✓ \(sent["message"] as? String ?? "Code sent")")
        default: break
        }
        let code = try self.code ?? ask(method == "recovery" ? "Recovery code: " : "Code: ")
        let (verified, tokens) = try await session.post(
            "/api/accounts/login/verify", ["challenge": challenge, "code": code, "method": method])
        guard verified == 200, let token = tokens["access_token"] as? String else {
            throw failure("the second step", verified, tokens)
        }
        say("✓ \(tokens["message"] as? String ?? "Logged in") as \(tokens["username"] as? String ?? login)")
        return token
    }

    /// Asks the phone, then waits (up to two minutes) while the server answers 202.
    private func approveByPush(_ session: Session, challenge: String) async throws -> String {
        let (sentStatus, sent) = try await session.post(
            "/api/accounts/login/resend", ["challenge": challenge, "method": "push"])
        guard sentStatus == 202 || sentStatus == 200 else { throw failure("asking the phone", sentStatus, sent) }
        say("… \(sent["message"] as? String ?? "Approval requested on your phone")")
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let (status, body) = try await session.post(
                "/api/accounts/login/verify", ["challenge": challenge, "method": "push"])
            if status == 200, let token = body["access_token"] as? String {
                say("✓ Approved on the phone")
                return token
            }
            guard status == 202 else { throw failure("the push approval", status, body) }
            try await Task.sleep(for: .seconds(1))
        }
        throw failure("the push approval", 408, ["message": "no answer from the phone within 2 minutes"])
    }

    private func finish(_ session: Session, token: String) async throws {
        if printToken {
            print(token)
            return
        }
        print("Token claims:")
        for (name, value) in Self.claims(of: token).sorted(by: { $0.key < $1.key }) {
            print("  \(name): \(value)")
        }
        let (status, body) = try await session.get("/api/auth/protected", bearer: token)
        print("GET /api/auth/protected -> \(status) \(body)")
        if status != 200 { throw ExitCode(1) }
    }

    // MARK: Terminal

    /// A progress line: on standard output, or standard error when it holds only the token.
    private func say(_ line: String) {
        if printToken {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        } else {
            print(line)
        }
    }

    private func ask(_ prompt: String) throws -> String {
        (printToken ? FileHandle.standardError : FileHandle.standardOutput).write(Data(prompt.utf8))
        guard let line = readLine(), !line.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("no answer given to '\(prompt.trimmingCharacters(in: .whitespaces))'")
        }
        return line.trimmingCharacters(in: .whitespaces)
    }

    /// A password: not echoed when standard input is a terminal.
    private func askSecret(_ prompt: String) throws -> String {
        guard isatty(0) == 1 else { return try ask(prompt) }
        FileHandle.standardError.write(Data(prompt.utf8))
        var settings = termios()
        tcgetattr(0, &settings)
        var silent = settings
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSANOW, &silent)
        defer {
            tcsetattr(0, TCSANOW, &settings)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(), !line.isEmpty else { throw ValidationError("no password given") }
        return line
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

/// The auth server's JSON API at `base`; a server that cannot be reached is one line naming its URL.
struct Session {
    let client: HTTPClient
    let base: String

    func post(_ path: String, _ body: [String: String]) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let (status, data) = try await send(request)
        let json = (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
        return (status, json)
    }

    func get(_ path: String, bearer token: String) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: base + path)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let (status, body) = try await send(request)
        return (status, String(buffer: body))
    }

    private func send(_ request: HTTPClientRequest) async throws -> (Int, ByteBuffer) {
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            return (Int(response.status.code), try await response.body.collect(upTo: 1 << 20))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .connectTimeout {
            throw Self.unreachable(base, "no answer within 30 s")
        } catch let error as HTTPClientError {
            throw Self.unreachable(base, "\(error)")
        } catch {
            throw Self.unreachable(base, PlainHTTPExchange.reason(for: error))
        }
    }

    static func unreachable(_ base: String, _ reason: String) -> any Error {
        FileHandle.standardError.write(Data("✗ cannot reach the auth server at \(base): \(reason)\n".utf8))
        return ExitCode(1)
    }
}
