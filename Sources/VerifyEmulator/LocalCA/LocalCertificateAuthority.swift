import Crypto
import SwiftASN1
import X509

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The emulator's own certificate authority: it signs the certificates the emulator shows for
/// `*.twilio.com` (through the proxy or the TLS listener), so an app that trusts it reaches the
/// emulator under Twilio's names with no change to its code.
///
/// Its certificate carries a critical X.509 name constraint (RFC 5280, 4.2.1.10) that permits
/// only `twilio.com` and its subdomains and excludes every IP address, so a machine that trusts
/// it can never be shown a certificate for any other site signed by it, even if its key leaks.
///
/// ```swift
/// let authority = try LocalCertificateAuthority.create()
/// let leaf = try authority.issue(for: ["verify.twilio.com"])
/// ```
public struct LocalCertificateAuthority: Sendable {
    /// The names the authority may vouch for: this domain and its subdomains.
    public static let permittedDomain = "twilio.com"

    public let certificate: Certificate
    let privateKey: P256.Signing.PrivateKey

    init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// A new authority: an ECDSA P-256 key and a self-signed certificate valid for ten years.
    public static func create(now: Date = Date()) throws -> LocalCertificateAuthority {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let name = try DistinguishedName {
            OrganizationName("verify-emulator")
            CommonName("verify-emulator local CA for twilio.com")
        }
        let ipv4Everything = ASN1OctetString(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0])
        let ipv6Everything = ASN1OctetString(contentBytes: ArraySlice(repeating: 0, count: 32))
        let certificate = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                Critical(
                    NameConstraints(
                        permittedDNSDomains: [permittedDomain],
                        excludedIPRanges: [ipv4Everything, ipv6Everything]))
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: .init(key))
        return LocalCertificateAuthority(certificate: certificate, privateKey: key)
    }

    /// A server certificate and its new key for `names`, each `twilio.com` or under it (others
    /// would fail every client's check of the name constraint, so they are refused here first).
    /// Valid from an hour ago for 397 days, the longest any client accepts.
    public func issue(for names: [String], now: Date = Date()) throws -> IssuedCertificate {
        guard let first = names.first,
            names.allSatisfy({ TwilioHostName($0.hasPrefix("*.") ? String($0.dropFirst(2)) : $0) != nil })
        else {
            throw CertificateIssueError(names: names)
        }
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let certificate = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(397 * 86_400),
            issuer: self.certificate.subject,
            subject: try DistinguishedName { CommonName(first) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names.map { .dnsName($0) })
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: authorityKeyIdentifier)
            },
            issuerPrivateKey: .init(privateKey))
        return IssuedCertificate(certificate: certificate, privateKey: key)
    }

    private var authorityKeyIdentifier: ArraySlice<UInt8> {
        SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier
    }

    /// The certificate in PEM, as `ca.pem` holds it.
    public var certificatePEM: String {
        get throws { try certificate.serializeAsPEM().pemString + "\n" }
    }

    /// The key in PKCS #8 PEM, as `ca-key.pem` holds it.
    var privateKeyPEM: String { privateKey.pemRepresentation + "\n" }

    /// The SHA-256 fingerprint of the certificate's DER, as `openssl x509 -fingerprint -sha256`
    /// prints it (`AB:CD:...`).
    public var fingerprint: String {
        get throws {
            SHA256.hash(data: try derBytes)
                .map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined(separator: ":")
        }
    }

    /// The certificate's DER encoding.
    var derBytes: [UInt8] {
        get throws {
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return serializer.serializedBytes
        }
    }

    /// An authority read back from its two PEM files' contents.
    static func load(certificatePEM: String, privateKeyPEM: String) throws -> LocalCertificateAuthority {
        let certificate = try Certificate(pemEncoded: certificatePEM)
        let key = try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
            throw CertificateLoadError(reason: "the key does not belong to the certificate")
        }
        return LocalCertificateAuthority(certificate: certificate, privateKey: key)
    }
}

/// A leaf certificate with the key it was issued for.
public struct IssuedCertificate: Sendable {
    public let certificate: Certificate
    let privateKey: P256.Signing.PrivateKey

    var certificatePEM: String {
        get throws { try certificate.serializeAsPEM().pemString + "\n" }
    }
    var privateKeyPEM: String { privateKey.pemRepresentation + "\n" }
}

struct CertificateIssueError: Error, CustomStringConvertible {
    let names: [String]
    var description: String {
        "the local CA signs only twilio.com and its subdomains, not \(names.joined(separator: ", "))"
    }
}

struct CertificateLoadError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
