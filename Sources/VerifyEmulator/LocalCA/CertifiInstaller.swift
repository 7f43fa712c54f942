#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Adds the local CA to the `certifi` bundle of one Python environment
/// (`verify-emulator ca --install-certifi VENV`), for the clients that trust only certifi's
/// file and ignore `REQUESTS_CA_BUNDLE`: twilio-python 6.x sends through `Session.send`
/// without the environment's settings. The block is marked, so installing again replaces it
/// and `--uninstall-certifi` takes it out.
public enum CertifiInstaller {
    static let beginMarker = "# BEGIN verify-emulator local CA (twilio.com only)"
    static let endMarker = "# END verify-emulator local CA"

    /// Every `site-packages/certifi/cacert.pem` under `environment` (a venv or a prefix).
    public static func bundles(in environment: String) -> [String] {
        let manager = FileManager.default
        var found: [String] = []
        for libraryFolder in ["lib", "lib64", "Lib"] {
            let library = "\(environment)/\(libraryFolder)"
            let pythons = (try? manager.contentsOfDirectory(atPath: library)) ?? []
            for python in pythons.sorted() {
                for candidate in [
                    "\(library)/\(python)/site-packages/certifi/cacert.pem",
                    "\(library)/\(python)/certifi/cacert.pem",
                ] where manager.fileExists(atPath: candidate) {
                    found.append(candidate)
                }
            }
        }
        if manager.fileExists(atPath: "\(environment)/Lib/site-packages/certifi/cacert.pem") {
            found.append("\(environment)/Lib/site-packages/certifi/cacert.pem")
        }
        return Array(Set(found)).sorted()
    }

    /// Puts the CA's block into each certifi bundle of `environment` (nil PEM: removes it).
    /// Returns the files changed; an environment without certifi is an error naming it.
    public static func install(_ pem: String?, into environment: String) throws(LocalCAFolder.Problem) -> [String] {
        let files = bundles(in: environment)
        guard !files.isEmpty else {
            throw LocalCAFolder.Problem(
                description:
                    "no certifi bundle under \(environment) (expected lib/pythonX.Y/site-packages/certifi/cacert.pem); give the folder of a virtual environment that has certifi installed"
            )
        }
        for file in files {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw LocalCAFolder.Problem(description: "cannot read \(file)")
            }
            var text = withoutBlock(String(decoding: contents, as: UTF8.self))
            if let pem {
                if !text.hasSuffix("\n") { text += "\n" }
                text += "\(beginMarker)\n\(pem)\(pem.hasSuffix("\n") ? "" : "\n")\(endMarker)\n"
            }
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            } catch {
                throw LocalCAFolder.Problem(description: "cannot write \(file): \(error)")
            }
        }
        return files
    }

    static func withoutBlock(_ text: String) -> String {
        guard let begin = text.firstRange(of: beginMarker),
            let end = text[begin.upperBound...].firstRange(of: endMarker)
        else { return text }
        var after = text[end.upperBound...]
        if after.hasPrefix("\n") { after = after.dropFirst() }
        return String(text[..<begin.lowerBound]) + after
    }
}
