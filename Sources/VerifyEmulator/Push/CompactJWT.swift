import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A JWT in compact form, split and decoded but not yet trusted: the header and the claims as
/// JSON objects, the text that was signed, and the signature bytes.
struct CompactJWT: Sendable {
    var header: [String: JSONValue]
    var claims: [String: JSONValue]
    /// `header.payload`, the bytes the signature covers.
    var signingInput: String
    var signature: [UInt8]

    /// Why a token cannot be read.
    enum Problem: Error, Equatable {
        case notThreeParts
        case notBase64URL
        case notJSONObjects
        case notES256(String?)
    }

    init(_ text: String) throws(Problem) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .notThreeParts }
        guard let header = Base64URL.decode(parts[0]), let claims = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2]), Base64URL.isCanonical(parts[2])
        else { throw .notBase64URL }
        let decoder = JSONDecoder()
        guard let headerObject = try? decoder.decode([String: JSONValue].self, from: Data(header)),
            let claimsObject = try? decoder.decode([String: JSONValue].self, from: Data(claims))
        else { throw .notJSONObjects }
        guard headerObject["alg"]?.string == "ES256" else { throw .notES256(headerObject["alg"]?.string) }
        self.header = headerObject
        self.claims = claimsObject
        self.signingInput = "\(parts[0]).\(parts[1])"
        self.signature = signature
    }
}

extension CompactJWT.Problem: CustomStringConvertible {
    var description: String {
        switch self {
        case .notThreeParts: "not a compact JWT (three dot-separated parts)"
        case .notBase64URL: "a part of the JWT is not canonical base64url"
        case .notJSONObjects: "the JWT's header or claims are not JSON objects"
        case .notES256(let alg): "the JWT's alg is \(alg.map { "'\($0)'" } ?? "missing"), not ES256"
        }
    }
}
