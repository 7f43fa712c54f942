import Crypto
import JWTKit
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How access tokens are signed.
public enum SigningAlgorithm: String, Sendable {
    case hs256 = "HS256"
    case es256 = "ES256"
    case eddsa = "EdDSA"
}

/// Asymmetric signing keys from a directory of PEM private keys, one per file, with rotation:
/// files sort by name, the last one signs, and each older key stays published in the JWKS and
/// accepted until the access tokens it signed can have expired (the next key's file time plus
/// the access token lifetime). A key's `kid` is its file name without `.pem`.
public struct SigningKeySet: Sendable {
    public struct Key: Sendable {
        public var kid: String
        public var pem: String
        /// When this key's file appeared (its modification time): from then on it signs.
        public var createdAt: Date
    }

    public var algorithm: SigningAlgorithm
    public var keys: [Key]

    /// Reads every `*.pem` in `directory`, checking each parses for `algorithm`.
    public static func load(
        directory: String, algorithm: SigningAlgorithm
    ) throws(AuthConfiguration.Invalid)
        -> SigningKeySet
    {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else {
            throw .init(setting: "JWT_KEYS_DIR", problem: "cannot read the directory \(directory)")
        }
        var keys: [Key] = []
        for name in names.filter({ $0.hasSuffix(".pem") }).sorted() {
            let path = directory + "/" + name
            guard let data = manager.contents(atPath: path), let pem = String(data: data, encoding: .utf8) else {
                throw .init(setting: "JWT_KEYS_DIR", problem: "cannot read \(name)")
            }
            do {
                switch algorithm {
                case .es256: _ = try ES256PrivateKey(pem: pem)
                case .eddsa: _ = try EdDSA.PrivateKey(pem: pem)
                case .hs256: break
                }
            } catch {
                throw .init(
                    setting: "JWT_KEYS_DIR", problem: "\(name) is not a \(algorithm.rawValue) private key in PEM")
            }
            let modified = (try? manager.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date()
            keys.append(Key(kid: String(name.dropLast(4)), pem: pem, createdAt: modified))
        }
        guard !keys.isEmpty else {
            throw .init(setting: "JWT_KEYS_DIR", problem: "has no .pem private key for \(algorithm.rawValue)")
        }
        return SigningKeySet(algorithm: algorithm, keys: keys)
    }

    var current: Key { keys[keys.count - 1] }

    /// The keys still valid at `now`: the current one, and older ones until a full token lifetime
    /// has passed since their successor took over.
    func active(at now: Date, lifetime: TimeInterval) -> [Key] {
        keys.enumerated().filter { index, _ in
            index == keys.count - 1 || keys[index + 1].createdAt.addingTimeInterval(lifetime) > now
        }.map(\.element)
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
        case .hs256:
            return [:]
        }
    }
}
