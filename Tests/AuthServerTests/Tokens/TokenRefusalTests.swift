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

@Suite("Auth server: refused tokens")
struct TokenRefusalTests {
    static func forge(header: String, payload: String, key: String?) -> String {
        func b64(_ data: Data) -> String {
            data.base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
        }
        let signingInput = b64(Data(header.utf8)) + "." + b64(Data(payload.utf8))
        guard let key else { return signingInput + "." }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(signingInput.utf8), using: SymmetricKey(data: Data(key.utf8)))
        return signingInput + "." + b64(Data(mac))
    }

    /// The token with one character of its signature changed where every bit counts (the last
    /// character of base64url carries unused bits, so changing it may decode to the same bytes).
    static func tamperedSignature(_ token: String) -> String {
        var characters = Array(token)
        let index = characters.count - 10
        characters[index] = characters[index] == "A" ? "B" : "A"
        return String(characters)
    }

    @Test("a header seen before vouches for nothing else: another payload under it and its signature is refused")
    func knownHeader() async throws {
        try await withStack { stack in
            let token = try await stack.login("+14155550121")
            #expect(try await stack.protected("Bearer \(token)").0 == .ok)  // its header is now known
            let parts = token.split(separator: ".")
            let now = Int(Date().timeIntervalSince1970)
            let forged = Self.forge(
                header: "{}",
                payload:
                    #"{"sub":"+14155550199","iat":\#(now),"nbf":\#(now),"exp":\#(now + 600),"jti":"y","type":"access"}"#,
                key: nil
            ).split(separator: ".")[1]
            let (status, body, _) = try await stack.protected("Bearer \(parts[0]).\(forged).\(parts[2])")
            #expect(status == .unauthorized)
            #expect(body["msg"] as? String == "Signature verification failed")
            #expect(try await stack.protected("Bearer \(token)").0 == .ok)
        }
    }

    @Test("every refused token gets 401, WWW-Authenticate: Bearer and a msg saying why")
    func refusals() async throws {
        try await withStack { stack in
            let token = try await stack.login("+14155550120")
            let now = Int(Date().timeIntervalSince1970)
            let payload =
                #"{"sub":"+14155550120","iat":\#(now),"nbf":\#(now),"exp":\#(now + 600),"jti":"x","type":"access"}"#
            let cases: [(String?, String)] = [
                (nil, "Missing Authorization Header"),
                ("Token \(token)", "Missing 'Bearer' type"),
                ("Bearer abc", "Not enough segments"),
                ("Bearer !!!.e30.sig", "Invalid header string"),
                (
                    "Bearer "
                        + Self.forge(header: #"{"alg":"none","typ":"JWT","kid":"hs256-1"}"#, payload: payload, key: nil),
                    "alg value is not allowed"
                ),
                (
                    "Bearer "
                        + Self.forge(
                            header: #"{"alg":"HS512","typ":"JWT","kid":"hs256-1"}"#, payload: payload, key: secret),
                    "alg value is not allowed"
                ),
                (
                    "Bearer "
                        + Self.forge(
                            header: #"{"alg":"HS256","typ":"JWT","kid":"other"}"#, payload: payload, key: secret),
                    "Unknown signing key"
                ),
                (
                    "Bearer " + Self.forge(header: #"{"alg":"HS256","typ":"JWT"}"#, payload: payload, key: secret),
                    "Unknown signing key"
                ),
                (
                    "Bearer "
                        + Self.forge(
                            header: #"{"alg":"HS256","typ":"JWT","kid":"hs256-1"}"#, payload: payload,
                            key: "a-different-32-byte-secret-key!!!"), "Signature verification failed"
                ),
                ("Bearer " + Self.tamperedSignature(token), "Signature verification failed"),
                (
                    // a critical extension we do not understand, on a validly signed token (RFC 7515 4.1.11)
                    "Bearer "
                        + Self.forge(
                            header:
                                #"{"alg":"HS256","typ":"JWT","kid":"hs256-1","crit":["exp-policy"],"exp-policy":1}"#,
                            payload: payload, key: secret),
                    "Unsupported critical header: exp-policy"
                ),
                (
                    "Bearer "
                        + Self.forge(
                            header: #"{"alg":"HS256","typ":"JWT","kid":"hs256-1"}"#,
                            payload: payload.replacing(#""type":"access""#, with: #""type":"refresh""#), key: secret),
                    "Only non-refresh tokens"
                ),
                (
                    "Bearer "
                        + Self.forge(
                            header: #"{"alg":"HS256","typ":"JWT","kid":"hs256-1"}"#,
                            payload: payload.replacing(#""nbf":\#(now)"#, with: #""nbf":\#(now + 300)"#), key: secret),
                    "not yet valid"
                ),
            ]
            for (authorization, message) in cases {
                let (status, body, headers) = try await stack.protected(authorization)
                #expect(status == .unauthorized, "\(message)")
                #expect(headers[.wwwAuthenticate] == "Bearer")
                #expect((body["msg"] as? String)?.contains(message) == true, "\(body) for \(message)")
            }
            stack.tokenClock.advance(86_401)
            let (expired, body, _) = try await stack.protected("Bearer \(token)")
            #expect(expired == .unauthorized)
            #expect(body["msg"] as? String == "Token has expired")
        }
    }
}
