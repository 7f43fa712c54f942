#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The operating system's bundle of trusted roots, which the emulator's trust files start from.
/// Read from the distributions' fixed places, never from `SSL_CERT_FILE` or the like: those may
/// point at the emulator's own bundle, whose old CA must not survive a `--renew`.
enum SystemTrustRoots {
    /// Debian, Ubuntu and Alpine; Fedora and RHEL; openSUSE; macOS and the BSDs.
    static let candidates = [
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/ca-bundle.pem",
        "/etc/ssl/cert.pem",
    ]

    /// The first readable bundle that holds at least one certificate.
    static func find(in candidates: [String] = candidates) -> (path: String, contents: Data)? {
        for path in candidates {
            if let contents = FileManager.default.contents(atPath: path),
                !PEMCertificates.derBlocks(in: contents).isEmpty
            {
                return (path, contents)
            }
        }
        return nil
    }
}

/// The certificates of a PEM bundle.
enum PEMCertificates {
    static let begin = "-----BEGIN CERTIFICATE-----"
    static let end = "-----END CERTIFICATE-----"

    /// Each `CERTIFICATE` block's DER bytes, in order; blocks that do not decode are skipped.
    static func derBlocks(in pem: Data) -> [[UInt8]] {
        let text = String(decoding: pem, as: UTF8.self)
        var blocks: [[UInt8]] = []
        var rest = Substring(text)
        while let start = rest.firstRange(of: begin) {
            let body = rest[start.upperBound...]
            guard let stop = body.firstRange(of: end) else { break }
            if let der = Data(base64Encoded: String(body[..<stop.lowerBound]), options: .ignoreUnknownCharacters),
                !der.isEmpty
            {
                blocks.append(Array(der))
            }
            rest = body[stop.upperBound...]
        }
        return blocks
    }
}
