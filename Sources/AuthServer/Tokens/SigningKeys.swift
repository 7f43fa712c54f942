import Crypto
import JWTKit
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How tokens are signed: access tokens by `JWT_ALGORITHM` (HS256, ES256 or EdDSA), OpenID
/// Connect ID tokens by RS256 (or a client's choice of the access tokens' ES256 or EdDSA).
public enum SigningAlgorithm: String, Sendable {
    case hs256 = "HS256"
    case es256 = "ES256"
    case eddsa = "EdDSA"
    /// ID tokens only: access tokens are never RS256.
    case rs256 = "RS256"
}

/// Asymmetric signing keys from a directory of PEM private keys, one per file, with rotation:
/// files sort by name, the last one signs, and each older key stays published in the JWKS and
/// accepted until the tokens it signed can have expired (the next key's file time plus the
/// token lifetime). A key's `kid` is its file name without `.pem`. One directory holds the
/// access tokens' keys and the ID tokens' RSA keys side by side: each file's key type says
/// which set it belongs to.
public struct SigningKeySet: Sendable {
    public struct Key: Sendable {
        public var kid: String
        public var pem: String
        /// When this key's file appeared (its modification time): from then on it signs.
        public var createdAt: Date
    }

    public var algorithm: SigningAlgorithm
    public var keys: [Key]

    /// Reads the `*.pem` files in `directory` that hold `algorithm`'s keys; every file must
    /// hold a private key of one of the algorithms (P-256, Ed25519, RSA of 2048 bits or more).
    public static func load(
        directory: String, algorithm: SigningAlgorithm
    ) throws(AuthConfiguration.Invalid)
        -> SigningKeySet
    {
        let found = try readDirectory(directory)
        // beside the access tokens' keys only the ID tokens' RSA keys: a key of the other
        // access algorithm is a mistake, not something to skip in silence
        if algorithm != .rs256, let stray = found.first(where: { $0.algorithm != algorithm && $0.algorithm != .rs256 })
        {
            throw .init(
                setting: "JWT_KEYS_DIR",
                problem: "\(stray.key.kid).pem is a \(stray.algorithm.rawValue) key, not a \(algorithm.rawValue) key")
        }
        let keys = found.filter { $0.algorithm == algorithm }.map(\.key)
        guard !keys.isEmpty else {
            throw .init(setting: "JWT_KEYS_DIR", problem: "has no .pem private key for \(algorithm.rawValue)")
        }
        return SigningKeySet(algorithm: algorithm, keys: keys)
    }

    /// Every key in `directory`, by file name, with the algorithm its type signs with.
    static func readDirectory(
        _ directory: String
    ) throws(AuthConfiguration.Invalid) -> [(algorithm: SigningAlgorithm, key: Key)] {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else {
            throw .init(setting: "JWT_KEYS_DIR", problem: "cannot read the directory \(directory)")
        }
        var keys: [(SigningAlgorithm, Key)] = []
        for name in names.filter({ $0.hasSuffix(".pem") }).sorted() {
            let path = directory + "/" + name
            guard let data = manager.contents(atPath: path), let pem = String(data: data, encoding: .utf8) else {
                throw .init(setting: "JWT_KEYS_DIR", problem: "cannot read \(name)")
            }
            guard let algorithm = algorithm(ofPrivateKey: pem) else {
                throw .init(
                    setting: "JWT_KEYS_DIR",
                    problem:
                        "\(name) is not a P-256 (ES256), Ed25519 (EdDSA) or RSA (2048 bits or more) private key in PEM")
            }
            let modified = (try? manager.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date()
            keys.append((algorithm, Key(kid: String(name.dropLast(4)), pem: pem, createdAt: modified)))
        }
        return keys
    }

    /// What a PEM private key signs with, or nil when it is none of the keys this server uses.
    static func algorithm(ofPrivateKey pem: String) -> SigningAlgorithm? {
        if (try? ES256PrivateKey(pem: pem)) != nil { return .es256 }
        if (try? EdDSA.PrivateKey(pem: pem)) != nil { return .eddsa }
        if (try? Insecure.RSA.PrivateKey(pem: pem)) != nil { return .rs256 }
        return nil
    }

    var current: Key { keys[keys.count - 1] }

    /// The keys still valid at `now`: the current one, and older ones until a full token lifetime
    /// has passed since their successor took over.
    func active(at now: Date, lifetime: TimeInterval) -> [Key] {
        keys.enumerated().filter { index, _ in
            index == keys.count - 1 || keys[index + 1].createdAt.addingTimeInterval(lifetime) > now
        }.map(\.element)
    }

    /// Adds every key of the set to `collection`, each under its `kid`: the one place a PEM
    /// becomes jwt-kit's key for its algorithm (access tokens and ID tokens alike).
    func add(to collection: JWTKeyCollection) async throws {
        for key in keys {
            let kid = JWKIdentifier(string: key.kid)
            switch algorithm {
            case .es256: await collection.add(ecdsa: try ES256PrivateKey(pem: key.pem), kid: kid)
            case .eddsa: await collection.add(eddsa: try EdDSA.PrivateKey(pem: key.pem), kid: kid)
            case .rs256:
                await collection.add(rsa: try Insecure.RSA.PrivateKey(pem: key.pem), digestAlgorithm: .sha256, kid: kid)
            case .hs256: break
            }
        }
    }

    /// A key's public half as a JWK.
    func jwk(_ key: Key) throws -> [String: String] {
        switch algorithm {
        case .es256:
            let parameters = try ES256PrivateKey(pem: key.pem).parameters
            return [
                "kty": "EC", "crv": "P-256", "x": parameters?.x ?? "", "y": parameters?.y ?? "", "kid": key.kid,
                "alg": "ES256", "use": "sig",
            ]
        case .eddsa:
            let raw = try EdDSA.PrivateKey(pem: key.pem).publicKey.rawRepresentation
            return [
                "kty": "OKP", "crv": "Ed25519", "x": Base64URL.encode(raw), "kid": key.kid, "alg": "EdDSA",
                "use": "sig",
            ]
        case .rs256:
            let (modulus, exponent) = try Insecure.RSA.PrivateKey(pem: key.pem).publicKey.getKeyPrimitives()
            return [
                "kty": "RSA", "n": Base64URL.encode(Array(modulus)), "e": Base64URL.encode(Array(exponent)),
                "kid": key.kid, "alg": "RS256", "use": "sig",
            ]
        case .hs256:
            return [:]
        }
    }
}
