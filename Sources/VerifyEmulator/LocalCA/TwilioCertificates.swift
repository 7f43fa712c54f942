import Logging
import NIOConcurrencyHelpers
import NIOSSL

/// The certificates the emulator shows for Twilio's names: a leaf per host, signed by the local
/// CA and made on first use, with the TLS context built from it kept for the next connection.
///
/// With a data folder the CA is the one saved there, read on first use (an emulator that never
/// proxies never parses it, which keeps start-up and idle memory as they were); without one (an
/// emulator started in-process by tests) a CA is made in memory on first use, which
/// `GET /emulator/v1/ca.pem` serves.
public final class TwilioCertificates: Sendable {
    /// The folder the CA came from, if any: its files are what clients are told to trust.
    public let folder: LocalCAFolder?
    private let state: NIOLockedValueBox<State>

    private struct State {
        var authority: LocalCertificateAuthority?
        var contexts: [String: NIOSSLContext] = [:]
    }

    /// Names the TLS listener's certificate carries: Verify's and any one-label subdomain.
    static let listenerNames = ["verify.twilio.com", "*.twilio.com", "twilio.com"]

    public init(authority: LocalCertificateAuthority?, folder: LocalCAFolder?) {
        self.folder = folder
        self.state = NIOLockedValueBox(State(authority: authority))
    }

    /// The CA: read from the folder, or made now when there is no folder.
    public func authority() throws -> LocalCertificateAuthority {
        try state.withLockedValue { state in
            if let authority = state.authority { return authority }
            let authority: LocalCertificateAuthority
            if let folder {
                authority = try folder.loadOrCreate()
            } else {
                authority = try LocalCertificateAuthority.create()
            }
            state.authority = authority
            return authority
        }
    }

    /// The server context for a tunnel to `host`.
    func serverContext(for host: TwilioHostName) throws -> NIOSSLContext {
        try context(key: host.name, names: [host.name])
    }

    /// The server context of the TLS listener.
    func listenerContext() throws -> NIOSSLContext {
        try context(key: "*listener", names: Self.listenerNames)
    }

    private func context(key: String, names: [String]) throws -> NIOSSLContext {
        if let known = state.withLockedValue({ $0.contexts[key] }) { return known }
        let issued = try authority().issue(for: names)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [
                .certificate(try NIOSSLCertificate(bytes: Array(try issued.certificatePEM.utf8), format: .pem))
            ],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(issued.privateKeyPEM.utf8), format: .pem)))
        let context = try NIOSSLContext(configuration: configuration)
        return state.withLockedValue { state in
            if let raced = state.contexts[key] { return raced }
            state.contexts[key] = context
            return context
        }
    }

    /// How to make a client trust the CA, for the log line of a failed handshake.
    var trustAdvice: String {
        if let folder {
            return "trust \(folder.certificatePath) (eval \"$(verify-emulator env)\" sets it for most clients)"
        }
        return "trust the CA served at GET /emulator/v1/ca.pem"
    }
}

extension TwilioCertificates {
    /// The certificates for `configuration`: the CA of its data folder (made there on first
    /// start, with the trust files written anew), or one in memory when it has none. A default
    /// folder that cannot be used is a warning; a folder asked for is an error.
    static func prepare(_ configuration: EmulatorConfiguration, logger: Logger) throws -> TwilioCertificates {
        guard let path = configuration.dataDirectory else { return TwilioCertificates(authority: nil, folder: nil) }
        let folder = LocalCAFolder(path: path)
        do {
            // the first start makes the CA; later ones only check its files look whole and
            // refresh the trust files if the CA or the system's roots changed since
            let created = try folder.ensure()
            if try folder.refreshTrustFiles(for: created) == .missingSystemRoots {
                logger.warning(
                    "no system trust roots found (\(SystemTrustRoots.candidates.joined(separator: ", "))): \(folder.bundlePath) holds only the emulator's CA"
                )
            }
            return TwilioCertificates(authority: created, folder: folder)
        } catch {
            guard configuration.dataDirectoryIsDefault else { throw ConfigurationError(error.description) }
            logger.warning(
                "\(error.description); the CA for *.twilio.com is kept in memory until the emulator stops (GET /emulator/v1/ca.pem serves it)"
            )
            return TwilioCertificates(authority: nil, folder: nil)
        }
    }
}
