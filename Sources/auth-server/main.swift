import AuthServer
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServerOperations

// `auth-server`: configuration comes from the environment and a `.env` file (see
// `.env.example`); with none it runs in development mode against a local verify-emulator.

/// One line on standard error, then the exit status: 2 for a bad setting, 1 for the rest.
func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("auth-server: \(message)\n".utf8))
    exit(status)
}

// A `.env` in the working directory fills in what the environment does not set; one that
// cannot be read stops start-up naming the line, rather than being dropped silently.
let dotEnv: [String: String]
do {
    dotEnv = try DotEnv.load(path: ".env") ?? [:]
} catch {
    fail("cannot start: .env \(error)", status: 2)
}
let environment = ProcessInfo.processInfo.environment
var values: [String: String] = [:]
for name in AuthConfiguration.settingNames {
    if let value = environment[name] ?? dotEnv[name] { values[name] = value }
}
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments {
case ["--version"], ["version"]:
    print("auth-server \(BuildInfo.description)")
    exit(0)
case ["healthcheck"]:
    // for Docker's HEALTHCHECK: the server on HOST and PORT (from the environment and .env)
    let port: Int
    do {
        port = try AuthConfiguration.listenPort(values)
    } catch {
        fail("healthcheck: \(error)", status: 2)
    }
    let result = await HealthCheck(bindHost: values["HOST"] ?? "127.0.0.1", port: port).run()
    guard result.isReady else { fail(result.line, status: 1) }
    print(result.line)
    exit(0)
case ["hash-client-secret"]:
    // the secret from standard input, never the command line (shell history, ps)
    let secret = (readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces)
    if let problem = ClientSecretHash.problem(with: secret) { fail("hash-client-secret: \(problem)", status: 2) }
    print(try await ClientSecretHash.make(secret))
    exit(0)
default: break
}
if let command = arguments.first {
    // operator commands on the same database: `auth-server disable-account|enable-account USER`
    guard ["disable-account", "enable-account"].contains(command), arguments.count == 2 else {
        FileHandle.standardError.write(
            Data(
                """
                usage: auth-server                            run the server (settings from the environment and .env)
                       auth-server healthcheck                exit 0 when the server on HOST:PORT is ready (GET /readyz)
                       auth-server --version
                       auth-server hash-client-secret         read a client secret on stdin, print its client_secret_hash
                       auth-server disable-account USERNAME|EMAIL
                       auth-server enable-account USERNAME|EMAIL

                """.utf8))
        exit(command == "--help" || command == "-h" ? 0 : 64)
    }
    do {
        let configuration = try AuthConfiguration.fromEnvironment(values)
        let place = configuration.databaseURL.map { "PostgreSQL at \($0.place)" } ?? configuration.databasePath
        guard
            try await setAccountDisabled(
                configuration: configuration, login: arguments[1], disabled: command == "disable-account")
        else { fail("no account \(arguments[1]) in \(place)", status: 1) }
    } catch {
        fail("cannot \(command): \(error)", status: error is AuthConfiguration.Invalid ? 2 : 1)
    }
    print("\(command == "disable-account" ? "disabled" : "enabled") account \(arguments[1])")
    exit(0)
}
/// "cannot listen on HOST:PORT: address already in use" for a bind failure; nil for other errors.
func listenFailure(_ error: any Error, host: String, port: Int) -> String? {
    guard let error = error as? IOError else { return nil }
    return "cannot listen on \(host):\(port): \(String(cString: strerror(error.errnoCode)).lowercased())"
}

do {
    let configuration = try AuthConfiguration.fromEnvironment(values)
    let level = configuration.logLevel
    switch configuration.logFormat {
    case .text:
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
    case .json:
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, logLevel: level, stream: .standardOutput) }
    }
    let app = try await buildAuthServer(configuration: configuration)
    do {
        try await app.runService()
    } catch {
        guard let message = listenFailure(error, host: configuration.host, port: configuration.port) else {
            throw error
        }
        fail(message, status: 1)
    }
} catch {
    fail("cannot start: \(error)", status: error is AuthConfiguration.Invalid ? 2 : 1)
}
