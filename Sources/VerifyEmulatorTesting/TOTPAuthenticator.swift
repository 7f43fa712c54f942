import Foundation
import VerifyEmulator
import VerifyWire

/// An authenticator app for tests: it reads an `otpauth://totp/…` URI (the one a TOTP factor's
/// binding gives, or a QR code holds) as an app would, and computes its codes.
///
/// ```swift
/// let app = try TOTPAuthenticator(uri: factor.binding!.uri!)
/// let code = app.code(at: emulator.clock.now())
/// ```
public struct TOTPAuthenticator: Sendable {
    public let totp: TOTP
    /// The label's account name (after `issuer:`), and the issuer.
    public let accountName: String
    public let issuer: String?

    public struct InvalidURI: Error, Sendable, Equatable, CustomStringConvertible {
        public var uri: String
        public var problem: String
        public var description: String { "not an otpauth://totp URI (\(problem)): \(uri)" }
    }

    /// An app set up by hand from a secret (what a user types when they cannot scan).
    public init(totp: TOTP, accountName: String = "", issuer: String? = nil) {
        self.totp = totp
        self.accountName = accountName
        self.issuer = issuer
    }

    public init(uri: String) throws {
        guard let components = URLComponents(string: uri), components.scheme == "otpauth",
            components.host == "totp"
        else { throw InvalidURI(uri: uri, problem: "the scheme and type must be otpauth://totp") }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name.lowercased(), $0.value ?? "") },
            uniquingKeysWith: { a, _ in a })
        guard let secretText = query["secret"], let secret = Base32.decode(secretText), !secret.isEmpty else {
            throw InvalidURI(uri: uri, problem: "no base32 secret")
        }
        let algorithm: TOTPAlgorithm
        switch query["algorithm"]?.uppercased() ?? "SHA1" {
        case "SHA1": algorithm = .sha1
        case "SHA256": algorithm = .sha256
        case "SHA512": algorithm = .sha512
        case let other: throw InvalidURI(uri: uri, problem: "unknown algorithm \(other)")
        }
        guard let digits = Int(query["digits"] ?? "6"), (3...10).contains(digits),
            let period = Int(query["period"] ?? "30"), period > 0
        else { throw InvalidURI(uri: uri, problem: "digits or period out of range") }
        totp = TOTP(secret: secret, algorithm: algorithm, digits: digits, timeStep: period)
        let label = String(components.path.dropFirst())
        if let colon = label.firstIndex(of: ":") {
            accountName = String(label[label.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            issuer = query["issuer"] ?? String(label[..<colon])
        } else {
            accountName = label
            issuer = query["issuer"]
        }
    }

    /// The code the app shows at `date` (use the emulator's clock when it has been moved).
    public func code(at date: Date) -> String {
        totp.code(counter: totp.counter(atEpochSeconds: Int64(date.timeIntervalSince1970.rounded(.down))))
    }
}
