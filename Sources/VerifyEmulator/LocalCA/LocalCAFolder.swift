#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the local CA lives between starts (`--data-dir`, `VERIFY_EMULATOR_DATA_DIR`), and the
/// trust files written beside it for clients:
///
/// - `ca/ca.pem`, `ca/ca-key.pem`: the authority (the key mode 0600, its folder 0700).
/// - `ca-bundle.pem`: the system's trusted roots plus the authority, for `SSL_CERT_FILE`,
///   `REQUESTS_CA_BUNDLE` and `CURL_CA_BUNDLE`, which replace the roots rather than add to them,
///   so an app pointed at it still reaches every other HTTPS site.
/// - `ca-truststore.jks`: the same roots as a Java trust store, for `javax.net.ssl.trustStore`.
///
/// ```swift
/// let folder = LocalCAFolder(path: LocalCAFolder.defaultPath())
/// let authority = try folder.loadOrCreate()
/// try folder.writeTrustFiles(for: authority)
/// ```
public struct LocalCAFolder: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    public var certificatePath: String { "\(path)/ca/ca.pem" }
    public var keyPath: String { "\(path)/ca/ca-key.pem" }
    public var bundlePath: String { "\(path)/ca-bundle.pem" }
    public var javaTrustStorePath: String { "\(path)/ca-truststore.jks" }
    var authorityFolder: String { "\(path)/ca" }

    /// `$VERIFY_EMULATOR_DATA_DIR`, else `$XDG_DATA_HOME/verify-emulator`, else
    /// `~/.local/share/verify-emulator`.
    /// `$VERIFY_EMULATOR_DATA_DIR` when set and not empty (an empty one counts as unset).
    public static func explicitPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        environment["VERIFY_EMULATOR_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = explicitPath(environment: environment) { return explicit }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return "\(xdg)/verify-emulator" }
        let home =
            environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.path
        return "\(home)/.local/share/verify-emulator"
    }

    /// What went wrong with the folder, as one line naming the file and the way out.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// The authority kept here, or a new one saved here when there is none. Two emulators that
    /// start at once on one folder end up with the same authority: the new one is written to a
    /// private folder first and renamed into place, which only one of them can do.
    public func loadOrCreate() throws(Problem) -> LocalCertificateAuthority {
        if let existing = try load() { return existing }
        try makeFolder(path, mode: 0o755)
        let authority: LocalCertificateAuthority
        do {
            authority = try LocalCertificateAuthority.create()
        } catch {
            throw Problem(description: "cannot create the local CA: \(error)")
        }
        let staging = "\(path)/.ca-\(UInt64.random(in: 0...UInt64.max))"
        do {
            try makeFolder(staging, mode: 0o700)
            defer { try? FileManager.default.removeItem(atPath: staging) }
            try write(try authority.certificatePEM, to: "\(staging)/ca.pem", mode: 0o644)
            try write(authority.privateKeyPEM, to: "\(staging)/ca-key.pem", mode: 0o600)
            if rename(staging, authorityFolder) != 0 {
                let code = errno
                guard code == EEXIST || code == ENOTEMPTY, let winner = try load() else {
                    throw Problem(description: "cannot save the local CA in \(authorityFolder): \(Self.reason(code))")
                }
                return winner
            }
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem(description: "cannot save the local CA in \(authorityFolder): \(error)")
        }
        return authority
    }

    /// At start: the authority made here if there is none (returned), or else a check that its
    /// two files look whole (PEM whose DER starts as a certificate and a key do) without parsing
    /// them, which waits for the first tunnel. A file that fails it is a problem naming it.
    func ensure() throws(Problem) -> LocalCertificateAuthority? {
        guard FileManager.default.fileExists(atPath: authorityFolder) else { return try loadOrCreate() }
        for (file, marker) in [(certificatePath, "CERTIFICATE"), (keyPath, "PRIVATE KEY")] {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw incomplete
            }
            guard Self.looksLikePEM(contents, marker: marker) else {
                throw unreadable("\(file)", reason: "not PEM \(marker)")
            }
        }
        return nil
    }

    /// The CA's folder lacks a file: remove it or renew.
    private var incomplete: Problem {
        Problem(
            description:
                "\(authorityFolder) is incomplete or unreadable (it needs ca.pem and ca-key.pem); remove it or run `verify-emulator ca --renew`"
        )
    }

    /// A CA file that cannot be used, and why: remove the folder or renew.
    private func unreadable(_ files: String, reason: String) -> Problem {
        Problem(
            description:
                "\(files) is not a readable P-256 CA (\(reason)); remove \(authorityFolder) or run `verify-emulator ca --renew`"
        )
    }

    /// A PEM block of `marker` whose base64 decodes to a DER SEQUENCE of a plausible size.
    static func looksLikePEM(_ contents: Data, marker: String) -> Bool {
        let text = String(decoding: contents, as: UTF8.self)
        guard let begin = text.firstRange(of: "-----BEGIN \(marker)-----"),
            let end = text[begin.upperBound...].firstRange(of: "-----END \(marker)-----"),
            let der = Data(
                base64Encoded: String(text[begin.upperBound..<end.lowerBound]), options: .ignoreUnknownCharacters)
        else { return false }
        return der.count >= 64 && der.first == 0x30
    }

    /// Whether the trust files were written, found current, or written without system roots.
    enum TrustFilesState: Equatable {
        case current, written, missingSystemRoots
    }

    /// Writes the trust files when one is missing or older than the CA or the system's bundle;
    /// `authority` when it was just made (else it is read only if the files must be written).
    func refreshTrustFiles(for authority: LocalCertificateAuthority?) throws(Problem) -> TrustFilesState {
        let manager = FileManager.default
        func modified(_ file: String) -> Date? {
            (try? manager.attributesOfItem(atPath: file))?[.modificationDate] as? Date
        }
        let system = SystemTrustRoots.candidates.first { manager.fileExists(atPath: $0) }
        if authority == nil, let bundle = modified(bundlePath), let store = modified(javaTrustStorePath),
            let certificate = modified(certificatePath)
        {
            let written = min(bundle, store)
            if written >= certificate, system.flatMap(modified).map({ written >= $0 }) ?? true { return .current }
        }
        let current: LocalCertificateAuthority
        if let authority { current = authority } else { current = try loadOrCreate() }
        return try writeTrustFiles(for: current) == nil ? .missingSystemRoots : .written
    }

    /// Replaces the authority with a new one (`verify-emulator ca --renew`). Clients trust the
    /// new one once they read the CA or the bundle again; a running emulator keeps the old one
    /// until it restarts.
    public func renew() throws(Problem) -> LocalCertificateAuthority {
        if FileManager.default.fileExists(atPath: authorityFolder) {
            do {
                try FileManager.default.removeItem(atPath: authorityFolder)
            } catch {
                throw Problem(description: "cannot remove the old CA in \(authorityFolder): \(error)")
            }
        }
        return try loadOrCreate()
    }

    /// The authority saved here, or nil when there is none yet.
    func load() throws(Problem) -> LocalCertificateAuthority? {
        let manager = FileManager.default
        guard manager.fileExists(atPath: authorityFolder) else { return nil }
        guard let certificate = manager.contents(atPath: certificatePath),
            let key = manager.contents(atPath: keyPath)
        else {
            throw incomplete
        }
        do {
            return try LocalCertificateAuthority.load(
                certificatePEM: String(decoding: certificate, as: UTF8.self),
                privateKeyPEM: String(decoding: key, as: UTF8.self))
        } catch {
            throw unreadable("\(keyPath) or \(certificatePath)", reason: "\(error)")
        }
    }

    /// Writes `ca-bundle.pem` and `ca-truststore.jks`: the system's roots (the first bundle
    /// found of the usual places) and the authority. Returns the system bundle read, or nil when
    /// none was found (the files then hold the authority alone).
    @discardableResult
    public func writeTrustFiles(for authority: LocalCertificateAuthority) throws(Problem) -> String? {
        let system = SystemTrustRoots.find()
        let authorityPEM: String
        do {
            authorityPEM = try authority.certificatePEM
        } catch {
            throw Problem(description: "cannot encode the local CA: \(error)")
        }
        var bundle = system.map { String(decoding: $0.contents, as: UTF8.self) } ?? ""
        if !bundle.isEmpty, !bundle.hasSuffix("\n") { bundle += "\n" }
        bundle += "# verify-emulator local CA (only twilio.com and its subdomains)\n" + authorityPEM
        let roots: [[UInt8]]
        do {
            roots = (system.map { PEMCertificates.derBlocks(in: $0.contents) } ?? []) + [try authority.derBytes]
        } catch {
            throw Problem(description: "cannot encode the local CA: \(error)")
        }
        do {
            try replace(bundlePath, with: Data(bundle.utf8), mode: 0o644)
            try replace(javaTrustStorePath, with: Data(JavaKeyStore.trustStore(roots)), mode: 0o644)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem(description: "cannot write the trust files in \(path): \(error)")
        }
        return system?.path
    }

    private func makeFolder(_ folder: String, mode: Int) throws(Problem) {
        let manager = FileManager.default
        func kind(_ path: String) -> FileAttributeType? {
            (try? manager.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
        }
        func parent(_ path: String) -> String {
            guard let slash = path.lastIndex(of: "/") else { return "" }
            return slash == path.startIndex ? "/" : String(path[..<slash])
        }
        if let existing = kind(folder), existing != .typeDirectory {
            throw Problem(
                description:
                    "cannot use the data folder \(folder): it is a file; set --data-dir or VERIFY_EMULATOR_DATA_DIR to a folder"
            )
        }
        if kind(folder) == nil {
            // the nearest part of the path that exists says why it cannot be made
            var ancestor = parent(folder)
            while !ancestor.isEmpty, ancestor != "/", kind(ancestor) == nil { ancestor = parent(ancestor) }
            if let existing = kind(ancestor), existing != .typeDirectory {
                throw Problem(
                    description:
                        "cannot create the data folder \(folder): \(ancestor) is a file, not a folder; set --data-dir or VERIFY_EMULATOR_DATA_DIR to a writable folder"
                )
            }
            do {
                try manager.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
            } catch {
                let reason = manager.isWritableFile(atPath: ancestor) ? "\(error)" : "\(ancestor) is not writable"
                throw Problem(
                    description:
                        "cannot create the data folder \(folder): \(reason); set --data-dir or VERIFY_EMULATOR_DATA_DIR to a writable folder"
                )
            }
        }
        guard manager.isWritableFile(atPath: folder) else {
            throw Problem(
                description:
                    "the data folder \(folder) is not writable; set --data-dir or VERIFY_EMULATOR_DATA_DIR to a writable folder"
            )
        }
    }

    private func write(_ text: String, to file: String, mode: Int) throws(Problem) {
        guard
            FileManager.default.createFile(
                atPath: file, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        else {
            throw Problem(description: "cannot write \(file); set --data-dir to a writable folder")
        }
    }

    /// Writes next to `file` and renames over it, so a reader never sees half a bundle.
    private func replace(_ file: String, with contents: Data, mode: Int) throws(Problem) {
        let staging = "\(file).\(UInt64.random(in: 0...UInt64.max)).tmp"
        guard FileManager.default.createFile(atPath: staging, contents: contents, attributes: [.posixPermissions: mode])
        else {
            throw Problem(
                description:
                    "cannot write \(file): the data folder \(path) is not writable; set --data-dir to one that is")
        }
        if rename(staging, file) != 0 {
            let code = errno
            try? FileManager.default.removeItem(atPath: staging)
            throw Problem(description: "cannot write \(file): \(Self.reason(code))")
        }
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)).lowercased() }
}
