import ArgumentParser
import Foundation
import ServerOperations

/// `verify-emulator healthcheck`: exits 0 when the emulator on the configured host and port is
/// ready, 1 otherwise, with one line saying what it saw; Docker's `HEALTHCHECK` runs it.
struct HealthcheckCommand: AsyncParsableCommand {
    static let name = "healthcheck"
    static let configuration = CommandConfiguration(
        commandName: "verify-emulator \(name)",
        abstract: "Exit 0 when the emulator on --host and --port answers GET /readyz with 200, else 1.",
        discussion: "Reads the same settings as the server, so in a container it needs no flags.")

    private static let environment = ProcessInfo.processInfo.environment

    @Option(help: "Address the emulator is bound to; 0.0.0.0 and :: are asked on loopback. [env: VERIFY_EMULATOR_HOST]")
    var host: String = environment["VERIFY_EMULATOR_HOST"] ?? "127.0.0.1"

    @Option(name: .customLong("port"), help: "Port the emulator listens on (default 4010). [env: VERIFY_EMULATOR_PORT]")
    var portOption: Int?

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Double = 3

    var port: Int {
        get throws {
            if let portOption {
                guard (1...65_535).contains(portOption) else {
                    throw ValidationError("--port \(portOption): must be 1 to 65535")
                }
                return portOption
            }
            guard let text = Self.environment["VERIFY_EMULATOR_PORT"] else { return 4010 }
            guard let port = Int(text.trimmingCharacters(in: .whitespaces)), (1...65_535).contains(port) else {
                throw ValidationError("VERIFY_EMULATOR_PORT='\(text)': must be 1 to 65535")
            }
            return port
        }
    }

    func validate() throws {
        _ = try port
        guard timeout > 0, timeout <= 600 else {
            throw ValidationError("--timeout \(timeout): must be above 0, at most 600")
        }
    }

    func run() async throws {
        let check = HealthCheck(bindHost: host, port: try port, timeout: .milliseconds(Int64(timeout * 1000)))
        let result = await check.run()
        guard result.isReady else {
            FileHandle.standardError.write(Data("verify-emulator: \(result.line)\n".utf8))
            throw ExitCode(1)
        }
        print(result.line)
    }
}
