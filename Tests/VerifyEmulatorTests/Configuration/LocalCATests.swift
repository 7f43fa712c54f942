import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@testable import VerifyEmulator

@Suite("The local CA, its folder and the proxy environment")
struct LocalCATests {
    private func temporaryFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("local-ca-\(UUID().uuidString)").path
    }

    @Test("the CA permits only twilio.com and its subdomains (critical), excludes every IP, and signs only such names")
    func nameConstraint() throws {
        let authority = try LocalCertificateAuthority.create()
        let extensions = authority.certificate.extensions
        let constraint = try #require(try extensions.nameConstraints)
        #expect(constraint.permittedDNSDomains.map { $0 } == ["twilio.com"])
        #expect(constraint.excludedIPRanges.count == 2)
        #expect(try #require(extensions[oid: .X509ExtensionID.nameConstraints]).critical)
        #expect(try extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        let leaf = try authority.issue(for: ["verify.dublin.ie1.twilio.com"])
        #expect(leaf.certificate.issuer == authority.certificate.subject)
        #expect(
            try leaf.certificate.extensions.subjectAlternativeNames?.map { $0 } == [
                .dnsName("verify.dublin.ie1.twilio.com")
            ])
        #expect(authority.certificate.publicKey.isValidSignature(leaf.certificate.signature, for: leaf.certificate))
        for refused in [["example.com"], ["twilio.com.example.com"], ["verify.twilio.com", "evil.test"], []] {
            #expect(throws: CertificateIssueError.self) { try authority.issue(for: refused) }
        }
    }

    @Test("Twilio's host names, with ports and trailing dots; anything else is not one")
    func hostNames() {
        #expect(TwilioHostName("verify.twilio.com:443")?.name == "verify.twilio.com")
        #expect(TwilioHostName("VERIFY.Twilio.COM.")?.isVerify == true)
        #expect(TwilioHostName("api.twilio.com")?.isVerify == false)
        #expect(TwilioHostName("twilio.com") != nil)
        for other in [
            "example.com", "twilio.com.evil.test", "eviltwilio.com", "a..twilio.com", "*.twilio.com", "", "[::1]:443",
        ] {
            #expect(TwilioHostName(other) == nil, "\(other)")
        }
        #expect(TwilioProxyGate.absoluteFormAuthority("http://verify.twilio.com/v2/Services") == "verify.twilio.com")
        #expect(TwilioProxyGate.absoluteFormAuthority("HTTPS://user:pw@api.twilio.com:8443?x") == "api.twilio.com:8443")
        #expect(TwilioProxyGate.absoluteFormAuthority("/v2/Services") == nil)
        #expect(TwilioProxyGate.absoluteFormAuthority("http:///v2") == nil)
    }

    @Test(
        "a folder keeps its CA (key 0600 in a 0700 folder); concurrent first starts agree on one; --renew replaces it")
    func folder() async throws {
        let folder = LocalCAFolder(path: temporaryFolder())
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        // eight emulators starting at once on an empty folder: one CA, which all of them use
        let fingerprints = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try folder.loadOrCreate().fingerprint } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(fingerprints.count == 1)
        let first = try folder.loadOrCreate()
        #expect(try first.fingerprint == fingerprints.first)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let folderAttributes = try FileManager.default.attributesOfItem(atPath: folder.authorityFolder)
        #expect((folderAttributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".ca-") }
        #expect(leftovers.isEmpty)
        let renewed = try folder.renew()
        #expect(try renewed.fingerprint != first.fingerprint)
        #expect(try folder.loadOrCreate().fingerprint == renewed.fingerprint)
    }

    @Test("an unusable folder or a corrupt key is a problem naming the file and the way out")
    func problems() throws {
        let base = temporaryFolder()
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        _ = FileManager.default.createFile(atPath: "\(base)/file", contents: Data("x".utf8))
        #expect {
            _ = try LocalCAFolder(path: "\(base)/file/data").loadOrCreate()
        } throws: { error in
            "\(error)".contains("cannot create the data folder \(base)/file/data") && "\(error)".contains("--data-dir")
        }
        let folder = LocalCAFolder(path: "\(base)/data")
        _ = try folder.loadOrCreate()
        try Data("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".utf8)
            .write(to: URL(fileURLWithPath: folder.keyPath))
        #expect {
            _ = try folder.loadOrCreate()
        } throws: { error in
            "\(error)".contains(folder.keyPath) && "\(error)".contains("verify-emulator ca --renew")
        }
        // a key of another CA: refused too, not used to sign with a certificate it does not match
        try Data(P256.Signing.PrivateKey().pemRepresentation.utf8).write(to: URL(fileURLWithPath: folder.keyPath))
        #expect {
            _ = try folder.loadOrCreate()
        } throws: { error in
            "\(error)".contains("the key does not belong to the certificate")
        }
        // at start only the files' shape is checked (no parse): a key that is not PEM fails it
        try Data("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n".utf8)
            .write(to: URL(fileURLWithPath: folder.keyPath))
        #expect {
            _ = try folder.ensure()
        } throws: { error in
            "\(error)".contains("\(folder.keyPath) is not a readable P-256 CA (not PEM PRIVATE KEY)")
        }
        try FileManager.default.removeItem(atPath: folder.keyPath)
        #expect {
            _ = try folder.loadOrCreate()
        } throws: { error in
            "\(error)".contains("is incomplete or unreadable")
        }
    }

    @Test("the trust files: the system's roots plus the CA, in PEM and as a JKS the JDK can read")
    func trustFiles() throws {
        let folder = LocalCAFolder(path: temporaryFolder())
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        let authority = try folder.loadOrCreate()
        let system = try folder.writeTrustFiles(for: authority)
        // a later start finds them current and writes nothing; a CA newer than them makes them stale
        #expect(try folder.ensure() == nil)
        #expect(try folder.refreshTrustFiles(for: nil) == .current)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: folder.bundlePath)
        #expect(try folder.refreshTrustFiles(for: nil) != .current)
        #expect(try folder.refreshTrustFiles(for: nil) == .current)
        let bundle = try String(contentsOfFile: folder.bundlePath, encoding: .utf8)
        let blocks = PEMCertificates.derBlocks(in: Data(bundle.utf8))
        #expect(blocks.last == (try authority.derBytes))
        if system != nil { #expect(blocks.count > 10) }
        // JKS: magic, version 2, the count, and each entry's DER readable back in order
        let store = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.javaTrustStorePath)))
        func integer(_ offset: Int, _ width: Int) -> Int {
            store[offset..<offset + width].reduce(0) { $0 << 8 | Int($1) }
        }
        #expect(integer(0, 4) == 0xFEED_FEED && integer(4, 4) == 2 && integer(8, 4) == blocks.count)
        var offset = 12
        var read: [[UInt8]] = []
        for _ in 0..<blocks.count {
            #expect(integer(offset, 4) == 2)
            offset += 4
            offset += 2 + integer(offset, 2) + 8  // alias, date
            offset += 2 + integer(offset, 2)  // "X.509"
            let length = integer(offset, 4)
            read.append(Array(store[offset + 4..<offset + 4 + length]))
            offset += 4 + length
        }
        #expect(read == blocks)
        var digest = Insecure.SHA1()
        digest.update(data: "changeit".utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        digest.update(data: Array("Mighty Aphrodite".utf8))
        digest.update(data: store[..<offset])
        #expect(Array(digest.finalize()) == Array(store[offset...]))
    }

    @Test("env: every variable in each shell's quoting, the JVM's proxy from the URL")
    func environment() {
        let environment = ProxyEnvironment(
            proxyURL: "http://127.0.0.1:4010", folder: LocalCAFolder(path: "/tmp/it's here/"))
        let sh = environment.render(.sh)
        #expect(sh.contains("export HTTPS_PROXY='http://127.0.0.1:4010'\n"))
        #expect(sh.contains("export SSL_CERT_FILE='/tmp/it'\\''s here/ca-bundle.pem'\n"))
        #expect(environment.render(.fish).contains("set -gx no_proxy 'localhost,127.0.0.1,::1'\n"))
        #expect(environment.render(.powershell).contains("$env:REQUESTS_CA_BUNDLE = '/tmp/it''s here/ca-bundle.pem'\n"))
        #expect(environment.render(.dotenv).contains("CURL_CA_BUNDLE=\"/tmp/it's here/ca-bundle.pem\"\n"))
        #expect(environment.variables.map(\.name).count == 11)
        let java = environment.variables.first { $0.name == "JAVA_TOOL_OPTIONS" }?.value ?? ""
        #expect(java.hasPrefix("-Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=4010 "))
        #expect(
            ProxyEnvironment(proxyURL: "http://[::1]:4011", folder: .init(path: "/x")).proxyHostAndPort == (
                "[::1]", "4011"
            ))
        #expect(
            ProxyEnvironment(proxyURL: "http://emulator", folder: .init(path: "/x")).proxyHostAndPort == (
                "emulator", "80"
            ))
    }

    @Test("certifi: the CA's block is added once, replaced on a second install, and removed")
    func certifi() throws {
        let base = temporaryFolder()
        let site = "\(base)/lib/python3.11/site-packages/certifi"
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let original = "# roots\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        try Data(original.utf8).write(to: URL(fileURLWithPath: "\(site)/cacert.pem"))
        #expect(try CertifiInstaller.install("PEM-1\n", into: base) == ["\(site)/cacert.pem"])
        _ = try CertifiInstaller.install("PEM-2\n", into: base)
        let installed = try String(contentsOfFile: "\(site)/cacert.pem", encoding: .utf8)
        #expect(installed.hasPrefix(original) && installed.contains("PEM-2") && !installed.contains("PEM-1"))
        _ = try CertifiInstaller.install(nil, into: base)
        #expect(try String(contentsOfFile: "\(site)/cacert.pem", encoding: .utf8) == original)
        #expect(throws: LocalCAFolder.Problem.self) { try CertifiInstaller.install("PEM", into: "\(base)/lib") }
    }

    @Test("an in-process emulator with no data folder serves a CA made in memory, the same on every call")
    func servedInMemory() async throws {
        try await withEmulator { api in
            let first = try await api.get("/emulator/v1/ca.pem", auth: nil)
            #expect(first.status == .ok)
            #expect(first.headers[.contentType] == "application/x-pem-file")
            let pem = String(decoding: first.body, as: UTF8.self)
            let certificate = try Certificate(pemEncoded: pem)
            #expect(try certificate.extensions.nameConstraints?.permittedDNSDomains.map { $0 } == ["twilio.com"])
            #expect(try await api.get("/emulator/v1/ca.pem", auth: nil).body == first.body)
        }
    }
}
