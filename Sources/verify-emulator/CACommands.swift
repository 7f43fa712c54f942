import ArgumentParser
import Foundation
import VerifyEmulator

/// The data folder of the local CA as the commands read it: `--data-dir`, else
/// `VERIFY_EMULATOR_DATA_DIR`, else the default under `$XDG_DATA_HOME` or `~/.local/share`.
struct DataDirectoryOption: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help:
            "Folder keeping the local CA for *.twilio.com and its trust files (default $XDG_DATA_HOME/verify-emulator or ~/.local/share/verify-emulator). [env: VERIFY_EMULATOR_DATA_DIR]"
    )
    var dataDirectoryOption: String?

    var folder: LocalCAFolder { LocalCAFolder(path: dataDirectoryOption ?? LocalCAFolder.defaultPath()) }
    var isDefault: Bool { dataDirectoryOption == nil && LocalCAFolder.explicitPath() == nil }
}

/// `verify-emulator env`: the environment that sends an unmodified app's Twilio calls to the
/// emulator, to paste or `eval "$(verify-emulator env)"`.
struct EnvCommand: ParsableCommand {
    static let name = "env"
    static let configuration = CommandConfiguration(
        commandName: "verify-emulator \(name)",
        abstract: "Print the environment that sends an app's calls to *.twilio.com to the emulator.",
        discussion: """
            eval "$(verify-emulator env)" sets the proxy variables (HTTPS_PROXY and the others, upper and \
            lower case, with NO_PROXY for loopback) and each runtime's trust of the emulator's CA \
            (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, NODE_EXTRA_CA_CERTS, JAVA_TOOL_OPTIONS). \
            Creates the CA in the data folder if there is none yet. With the proxy set, the app reaches \
            only twilio.com and loopback: add other hosts it needs to NO_PROXY.
            """)

    @Option(help: "Shell to write for: sh, fish or powershell.")
    var shell: String = "sh"

    @Option(help: "dotenv: NAME=value lines for a .env file or docker compose's env_file (instead of --shell).")
    var format: String?

    @Option(help: "Address the emulator listens on (0.0.0.0 and :: mean loopback). [env: VERIFY_EMULATOR_HOST]")
    var host: String = ProcessInfo.processInfo.environment["VERIFY_EMULATOR_HOST"] ?? "127.0.0.1"

    @Option(help: "Port the emulator listens on (default 4010). [env: VERIFY_EMULATOR_PORT]")
    var port: Int?

    @Option(help: "The proxy URL to print instead of http://HOST:PORT (a container's name for the emulator).")
    var proxy: String?

    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        let chosen: ProxyEnvironment.Format
        if let format {
            guard format == "dotenv" else { throw ValidationError("--format '\(format)': must be dotenv") }
            chosen = .dotenv
        } else {
            guard let shell = ProxyEnvironment.Format(rawValue: shell), shell != .dotenv else {
                throw ValidationError("--shell '\(shell)': must be sh, fish or powershell")
            }
            chosen = shell
        }
        let port = try port ?? Self.environmentPort()
        guard (1...65_535).contains(port) else { throw ValidationError("--port \(port): must be 1 to 65535") }
        let proxyURL: String
        if let proxy {
            guard proxy.hasPrefix("http://"), proxy.count > 7 else {
                throw ValidationError("--proxy '\(proxy)': must be an http:// URL such as http://verify-emulator:4010")
            }
            proxyURL = proxy
        } else {
            let loopback = ["0.0.0.0", "", "*"].contains(host) ? "127.0.0.1" : host == "::" ? "[::1]" : host
            proxyURL =
                "http://\(loopback.contains(":") && !loopback.hasPrefix("[") ? "[\(loopback)]" : loopback):\(port)"
        }
        let folder = data.folder
        do {
            try folder.writeTrustFiles(for: try folder.loadOrCreate())
        } catch {
            throw ValidationError(error.description)
        }
        print(ProxyEnvironment(proxyURL: proxyURL, folder: folder).render(chosen), terminator: "")
    }

    static func environmentPort() throws -> Int {
        guard let text = ProcessInfo.processInfo.environment["VERIFY_EMULATOR_PORT"] else { return 4010 }
        guard let port = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("VERIFY_EMULATOR_PORT='\(text)': must be 1 to 65535")
        }
        return port
    }
}

/// `verify-emulator ca`: where the local CA is and its fingerprint; `--renew` replaces it;
/// `--install-certifi VENV` adds it to a Python environment's certifi bundle.
struct CACommand: ParsableCommand {
    static let name = "ca"
    static let configuration = CommandConfiguration(
        commandName: "verify-emulator \(name)",
        abstract: "Show the local CA for *.twilio.com (creating it if needed), renew it, or add it to certifi.",
        discussion: """
            The CA may sign only twilio.com and its subdomains (an X.509 name constraint), so trusting it \
            vouches for no other site. Emulators already running keep the old CA until they restart.
            """)

    @Flag(help: "Replace the CA with a new one (and rewrite the trust files).")
    var renew = false

    @Option(
        name: .customLong("install-certifi"),
        help:
            "Add the CA to the certifi bundle of this Python environment (a venv folder), for clients that trust only certifi."
    )
    var installCertifi: String?

    @Option(name: .customLong("uninstall-certifi"), help: "Take the CA back out of this environment's certifi bundle.")
    var uninstallCertifi: String?

    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        let folder = data.folder
        do {
            let authority = renew ? try folder.renew() : try folder.loadOrCreate()
            try folder.writeTrustFiles(for: authority)
            if let environment = installCertifi {
                for file in try CertifiInstaller.install(try authority.certificatePEM, into: environment) {
                    print("added the CA to \(file)")
                }
            }
            if let environment = uninstallCertifi {
                for file in try CertifiInstaller.install(nil, into: environment) {
                    print("removed the CA from \(file)")
                }
            }
            print(
                """
                certificate  \(folder.certificatePath)
                key          \(folder.keyPath)
                bundle       \(folder.bundlePath)
                java         \(folder.javaTrustStorePath)
                sha256       \(try authority.fingerprint)
                names        twilio.com and its subdomains only
                """)
        } catch let problem as LocalCAFolder.Problem {
            throw ValidationError(problem.description)
        }
    }
}
