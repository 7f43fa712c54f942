import JWTKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads the claims of a token this server signed, without `JSONDecoder`: on a token the
/// verified-token cache does not know, decoding its claims was a third of the signature check.
///
/// It reads only the plain shape the issuer writes: one flat object of the known claims, strings
/// of printable ASCII without escapes, numbers without exponents, `aud` a string or an array of
/// strings. Anything else (an escape, an unknown key, a null, a repeated key) gives nil and the
/// caller decodes with `JSONDecoder` as before, so no payload is read differently by the two.
///
/// ```swift
/// let claims = ClaimsReader.read(payload) ?? (try decoder.decode(AccessClaims.self, from: Data(payload)))
/// ```
enum ClaimsReader {
    static func read(_ bytes: [UInt8]) -> AccessClaims? {
        var reader = Cursor(bytes: bytes)
        return reader.claims()
    }

    private struct Cursor {
        let bytes: [UInt8]
        var index = 0

        mutating func claims() -> AccessClaims? {
            var sub: String?
            var jti: String?
            var type: String?
            var fid: String?
            var iss: String?
            var aud: [String]?
            var scope: String?
            var clientID: String?
            var iat: Double?
            var nbf: Double?
            var exp: Double?
            /// One bit per claim read, so a repeated key is refused (plain locals, no Set: this
            /// runs on every uncached request).
            var seen: UInt16 = 0
            func first(_ bit: UInt16) -> Bool {
                defer { seen |= bit }
                return seen & bit == 0
            }
            guard take(UInt8(ascii: "{")) else { return nil }
            if !take(UInt8(ascii: "}")) {
                repeat {
                    guard let key = string(), take(UInt8(ascii: ":")) else { return nil }
                    switch key {
                    case "sub" where first(1 << 0): sub = string()
                    case "jti" where first(1 << 1): jti = string()
                    case "type" where first(1 << 2): type = string()
                    case "fid" where first(1 << 3):
                        guard let value = string() else { return nil }
                        fid = value
                    case "iss" where first(1 << 4):
                        guard let value = string() else { return nil }
                        iss = value
                    case "aud" where first(1 << 5):
                        guard let value = audience() else { return nil }
                        aud = value
                    case "iat" where first(1 << 6): iat = number()
                    case "nbf" where first(1 << 7): nbf = number()
                    case "exp" where first(1 << 8): exp = number()
                    case "scope" where first(1 << 9):
                        guard let value = string() else { return nil }
                        scope = value
                    case "client_id" where first(1 << 10):
                        guard let value = string() else { return nil }
                        clientID = value
                    default: return nil  // unknown or repeated
                    }
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "}")) else { return nil }
            }
            // a required claim that did not read (nil above) fails here, as does a missing one
            guard index == bytes.count, let sub, let jti, let type, let iat, let nbf, let exp else { return nil }
            return AccessClaims(
                sub: .init(value: sub), iat: .init(value: Date(timeIntervalSince1970: iat)),
                nbf: .init(value: Date(timeIntervalSince1970: nbf)),
                exp: .init(value: Date(timeIntervalSince1970: exp)),
                jti: .init(value: jti), type: type, fid: fid, iss: iss.map { .init(value: $0) },
                aud: aud.map { .init(value: $0) }, scope: scope, clientID: clientID)
        }

        /// Skips JSON whitespace, then takes `byte` if it is next.
        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            skipSpace()
            return true
        }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        /// A string of printable ASCII with no escape; nil for anything else.
        mutating func string() -> String? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                guard (0x20..<0x7F).contains(bytes[end]), bytes[end] != UInt8(ascii: "\\") else { return nil }
                end += 1
            }
            guard end < bytes.count else { return nil }
            index = end + 1
            skipSpace()
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }

        /// `"a"` or `["a", "b"]`, as jwt-kit's audience claim reads it.
        mutating func audience() -> [String]? {
            if let one = string() { return [one] }
            guard take(UInt8(ascii: "[")) else { return nil }
            var values: [String] = []
            if take(UInt8(ascii: "]")) { return values }
            repeat {
                guard let value = string() else { return nil }
                values.append(value)
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]")) ? values : nil
        }

        /// A JSON number without exponent: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`.
        mutating func number() -> Double? {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            let integer = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            let digits = index - integer
            guard digits > 0, digits == 1 || bytes[integer] != UInt8(ascii: "0") else { return nil }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                let fraction = index
                while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                    index += 1
                }
                guard index > fraction else { return nil }
            }
            let value = Double(String(decoding: bytes[start..<index], as: UTF8.self))
            skipSpace()
            return value
        }
    }
}
