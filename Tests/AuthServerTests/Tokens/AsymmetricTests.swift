import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import NIOCore
import Synchronization
import Testing
import VerifyClient
import VerifyEmulator
import VerifyEmulatorTesting
import VerifyWire

@testable import AuthServer

@Suite("Auth server: ES256 and EdDSA with JWKS and rotation")
struct AsymmetricTests {
    static func keysDirectory(_ keys: [(String, String, Date)]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("auth-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, pem, created) in keys {
            let path = folder.appendingPathComponent(name + ".pem").path
            try pem.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.modificationDate: created], ofItemAtPath: path)
        }
        return folder.path
    }

    func fetchJWKS(_ stack: Stack) async throws -> String {
        try await stack.auth.execute(uri: "/.well-known/jwks.json", method: .get) { response in
            #expect(response.status == .ok)
            return String(buffer: response.body)
        }
    }

    @Test("ES256 tokens verify with the published JWKS; rotation keeps old keys for one token lifetime")
    func es256Rotation() async throws {
        let old = P256.Signing.PrivateKey()
        let new = P256.Signing.PrivateKey()
        let directory = try Self.keysDirectory([
            ("2026-01", old.pemRepresentation, Date().addingTimeInterval(-90 * 86_400)),
            ("2026-02", new.pemRepresentation, Date()),
        ])
        try await withStack(configure: { configuration in
            configuration.signingAlgorithm = .es256
            configuration.signingKeys = try? SigningKeySet.load(directory: directory, algorithm: .es256)
        }) { stack in
            let token = try await stack.login("+14155550170")
            let header =
                try JSONSerialization.jsonObject(
                    with: Data(try #require(Base64URL.decode(token.split(separator: ".")[0])))) as? [String: Any]
            #expect(header?["alg"] as? String == "ES256")
            #expect(header?["kid"] as? String == "2026-02")

            let jwks = try await fetchJWKS(stack)
            let published = try JSONDecoder().decode([String: [[String: String]]].self, from: Data(jwks.utf8))["keys"]
            #expect(published?.map { $0["kid"] } == ["2026-01", "2026-02"])
            #expect(published?.allSatisfy { $0["kty"] == "EC" && $0["crv"] == "P-256" && $0["d"] == nil } == true)
            let verifier = JWTKeyCollection()
            try await verifier.add(jwksJSON: jwks)
            #expect(try await verifier.verify(token, as: AccessClaims.self).sub.value == "+14155550170")

            // a token from the previous key is still accepted while that key is published
            let signer = JWTKeyCollection()
            await signer.add(ecdsa: try ES256PrivateKey(pem: old.pemRepresentation), kid: "2026-01")
            let now = Date()
            let oldClaims = AccessClaims(
                sub: .init(value: "+14155550170"), iat: .init(value: now), nbf: .init(value: now),
                exp: .init(value: now.addingTimeInterval(10 * 86_400)), jti: .init(value: "old"), type: "access")
            var jwtHeader = JWTHeader()
            jwtHeader.typ = "JWT"
            // signed elsewhere with the same key, and made canonical as this server does
            let oldToken = CanonicalECDSA.canonicalToken(
                try await signer.sign(oldClaims, kid: "2026-01", header: jwtHeader))
            #expect(try await stack.protected("Bearer \(oldToken)").0 == .ok)

            // one token lifetime after the new key took over, the old key is gone
            stack.tokenClock.advance(86_401)
            let (status, body, _) = try await stack.protected("Bearer \(oldToken)")
            #expect(status == .unauthorized)
            #expect(body["msg"] as? String == "Unknown signing key")
            let after = try JSONDecoder().decode(
                [String: [[String: String]]].self, from: Data(try await fetchJWKS(stack).utf8))
            #expect(after["keys"]?.map { $0["kid"] } == ["2026-02"])

            // an HS256 token is refused by an ES256 server, whatever its kid
            let forged = TokenRefusalTests.forge(
                header: #"{"alg":"HS256","typ":"JWT","kid":"2026-02"}"#, payload: #"{"sub":"x"}"#, key: secret)
            #expect(
                try await stack.protected("Bearer \(forged)").1["msg"] as? String
                    == "The specified alg value is not allowed")
        }
    }

    @Test("EdDSA tokens verify with the published JWKS")
    func eddsa() async throws {
        let key = try EdDSA.PrivateKey()
        let directory = try Self.keysDirectory([("ed-1", key.pemRepresentation, Date())])
        try await withStack(configure: { configuration in
            configuration.signingAlgorithm = .eddsa
            configuration.signingKeys = try? SigningKeySet.load(directory: directory, algorithm: .eddsa)
        }) { stack in
            let token = try await stack.login("+14155550171")
            let jwks = try await fetchJWKS(stack)
            #expect(jwks.contains(#""crv":"Ed25519""#) && jwks.contains(#""kid":"ed-1""#))
            let verifier = JWTKeyCollection()
            try await verifier.add(jwksJSON: jwks)
            #expect(try await verifier.verify(token, as: AccessClaims.self).sub.value == "+14155550171")
            #expect(try await stack.protected("Bearer \(token)").0 == .ok)
        }
    }

    @Test("asymmetric settings are validated, naming the setting")
    func settings() throws {
        var environment = [
            "TWILIO_ACCOUNT_SID": "AC" + String(repeating: "a", count: 32), "TWILIO_AUTH_TOKEN": "token",
            "TWILIO_VERIFY_SERVICE_SID": "VA" + String(repeating: "b", count: 32), "JWT_ALGORITHM": "ES256",
        ]
        #expect { try AuthConfiguration.fromEnvironment(environment) } throws: {
            ($0 as? AuthConfiguration.Invalid)?.setting == "JWT_KEYS_DIR"
        }
        environment["JWT_KEYS_DIR"] = try Self.keysDirectory([("bad", "not a key", Date())])
        #expect { try AuthConfiguration.fromEnvironment(environment) } throws: {
            ($0 as? AuthConfiguration.Invalid)?.problem.contains("bad.pem") == true
        }
        environment["JWT_ALGORITHM"] = "RS256"
        #expect { try AuthConfiguration.fromEnvironment(environment) } throws: {
            ($0 as? AuthConfiguration.Invalid)?.setting == "JWT_ALGORITHM"
        }
        environment["JWT_ALGORITHM"] = "EdDSA"
        environment["JWT_KEYS_DIR"] = try Self.keysDirectory([("ed", try EdDSA.PrivateKey().pemRepresentation, Date())])
        let configuration = try AuthConfiguration.fromEnvironment(environment)
        #expect(configuration.signingAlgorithm == .eddsa)
        #expect(configuration.signingKeys?.keys.map(\.kid) == ["ed"])
    }
}

@Suite("Auth server: one token, one text")
struct CanonicalSignatureTests {
    static func withSignature(_ token: String, _ change: ([UInt8]) -> [UInt8]) throws -> String {
        let parts = token.split(separator: ".")
        let signature = try #require(Base64URL.decode(parts[2]))
        return "\(parts[0]).\(parts[1]).\(Base64URL.encode(change(signature)))"
    }

    @Test("ES256: the server signs with low S only, and refuses the high-S twin of a real token")
    func highSTwin() async throws {
        let key = P256.Signing.PrivateKey()
        let directory = try AsymmetricTests.keysDirectory([("k1", key.pemRepresentation, Date())])
        try await withStack(configure: { configuration in
            configuration.signingAlgorithm = .es256
            configuration.signingKeys = try? SigningKeySet.load(directory: directory, algorithm: .es256)
        }) { stack in
            var tokens: [String] = []
            for index in 0..<12 { tokens.append(try await stack.login("+1415555018\(index % 10)")) }
            for token in tokens {
                let signature = try #require(Base64URL.decode(token.split(separator: ".")[2]))
                #expect(CanonicalECDSA.isCanonical(signature))
            }
            let token = tokens[0]
            #expect(try await stack.protected("Bearer \(token)").0 == .ok)
            // (r, n - s) verifies as ECDSA, but is refused here
            let twin = try Self.withSignature(token) { signature in
                Array(signature[..<32]) + CanonicalECDSA.subtract(CanonicalECDSA.order, Array(signature[32...]))
            }
            let verifier = JWTKeyCollection()
            try await verifier.add(
                jwksJSON: try await stack.auth.execute(uri: "/.well-known/jwks.json", method: .get) {
                    String(buffer: $0.body)
                })
            #expect(try await verifier.verify(twin, as: AccessClaims.self).sub.value == "+14155550180")
            let (status, body, _) = try await stack.protected("Bearer \(twin)")
            #expect(status == .unauthorized)
            #expect(body["msg"] as? String == "Non-canonical signature")
        }
    }

    @Test("HS256: a signature whose unused trailing bits are set is another text of the same bytes, refused")
    func trailingBits() async throws {
        try await withStack { stack in
            let token = try await stack.login("+14155550190")
            #expect(try await stack.protected("Bearer \(token)").0 == .ok)
            // 32 bytes are 43 base64url characters; the last carries 2 unused bits
            var text = token
            let last = text.removeLast()
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            let value = try #require(alphabet.firstIndex(of: last))
            text.append(alphabet[value | 1 == value ? value & ~1 : value | 1])
            #expect(text != token)
            let (status, body, _) = try await stack.protected("Bearer \(text)")
            #expect(status == .unauthorized)
            #expect(body["msg"] as? String == "Non-canonical signature")
        }
    }

    @Test("the arithmetic: n - (n - s) is s, and canonical() picks the lower of the two")
    func arithmetic() {
        var s = [UInt8](repeating: 0, count: 32)
        s[31] = 7
        s[0] = 0x01
        let high = CanonicalECDSA.subtract(CanonicalECDSA.order, s)
        #expect(CanonicalECDSA.subtract(CanonicalECDSA.order, high) == s)
        let r = [UInt8](repeating: 0xAB, count: 32)
        #expect(!CanonicalECDSA.isCanonical(r + high))
        #expect(CanonicalECDSA.isCanonical(r + s))
        #expect(CanonicalECDSA.canonical(r + high) == r + s)
        #expect(CanonicalECDSA.isCanonical(r + CanonicalECDSA.halfOrder))
        #expect(!CanonicalECDSA.isCanonical(Array(r.prefix(31)) + s))
    }
}
