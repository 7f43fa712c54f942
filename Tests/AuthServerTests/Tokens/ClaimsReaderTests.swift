import Foundation
import Testing
import VerifyClient
import VerifyWire

@testable import AuthServer

/// ``ClaimsReader`` must read every payload as `JSONDecoder` does or not at all: it gives nil
/// for anything outside the plain shape, and the caller falls back to the decoder.
@Suite("Auth server: the claims reader")
struct ClaimsReaderTests {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    static func decoded(_ text: String) -> AccessClaims? {
        try? decoder.decode(AccessClaims.self, from: Data(text.utf8))
    }

    static let plain =
        #"{"aud":["app"],"exp":1764640000,"fid":"fam-1","iat":1764639100,"iss":"auth.example","#
        + #""jti":"7F0C3A52-1B7E-4C0E-9E21-2B3F5A0E7C11","nbf":1764639100,"sub":"+14155550100","type":"access"}"#

    @Test("a token this server issued is read without the decoder, to the same claims")
    func issuedToken() async throws {
        var configuration = AuthConfiguration(
            verify: .init(
                credentials: .authToken(accountSid: "AC" + String(repeating: "0", count: 32), authToken: "t")),
            verifyServiceSid: nil, secretKey: Array("claims-reader-test-key-0123456789abcdef".utf8))
        configuration.issuer = "auth.example"
        configuration.audience = "app"
        let service = try await TokenService(configuration: configuration, now: { Date() })
        let (token, _) = try await service.issueAccessToken(for: "+14155550100", family: "fam-1")
        let payload = try #require(Base64URL.decode(token.split(separator: ".")[1]))
        let read = try #require(ClaimsReader.read(payload))
        #expect(read == (try Self.decoder.decode(AccessClaims.self, from: Data(payload))))
        #expect(read.sub.value == "+14155550100" && read.fid == "fam-1" && read.aud?.value == ["app"])
        #expect(try await service.verify(token) == read)
    }

    @Test("the plain shapes are read, and read as the decoder reads them")
    func plainShapes() throws {
        let shapes = [
            Self.plain,
            #"{"sub":"+14155550100","iat":1,"nbf":1,"exp":2,"jti":"j","type":"access"}"#,
            #" { "sub" : "AC0123" , "iat" : 1.5 , "nbf" : 0 , "exp" : -2 , "jti" : "j" , "type" : "refresh" } "#,
            #"{"sub":"s","iat":1,"nbf":1,"exp":2,"jti":"j","type":"access","aud":"one"}"#,
            #"{"sub":"s","iat":1,"nbf":1,"exp":2,"jti":"j","type":"access","aud":[]}"#,
            "{\"sub\":\"s\",\n\t\"iat\":1,\r\"nbf\":1,\"exp\":2,\"jti\":\"j\",\"type\":\"access\"}",
        ]
        for shape in shapes {
            let read = try #require(ClaimsReader.read(Array(shape.utf8)), "\(shape)")
            #expect(read == Self.decoded(shape), "\(shape)")
        }
    }

    @Test("anything else is left to the decoder: nil, never a different reading")
    func otherShapes() {
        let others = [
            "", "{", "}", "[]", "null", #"{"sub":"s"}"#,
            #"{"sub":"s\u0041","iat":1,"nbf":1,"exp":2,"jti":"j","type":"access"}"#,  // an escape
            #"{"sub":"s\"","iat":1,"nbf":1,"exp":2,"jti":"j","type":"access"}"#,
            #"{"sub":"é","iat":1,"nbf":1,"exp":2,"jti":"j","type":"access"}"#,  // not ASCII
            #"{"sub":"s","iat":1e3,"nbf":1,"exp":2,"jti":"j","type":"access"}"#,  // an exponent
            #"{"sub":"s","iat":01,"nbf":1,"exp":2,"jti":"j","type":"access"}"#,  // a leading zero
            #"{"sub":"s","iat":1.,"nbf":1,"exp":2,"jti":"j","type":"access"}"#,
            #"{"sub":"s","iat":-,"nbf":1,"exp":2,"jti":"j","type":"access"}"#,
            #"{"sub":"s","iat":+1,"nbf":1,"exp":2,"jti":"j","type":"access"}"#,
            #"{"sub":"s","iat":"1","nbf":1,"exp":2,"jti":"j","type":"access"}"#,
            #"{"sub":null,"iat":1,"nbf":1,"exp":2,"jti":"j","type":"access"}"#,
            #"{"sub":"s","iat":1,"nbf":1,"exp":2,"jti":"j","type":"access","fid":null}"#,
            #"{"sub":"s","iat":1,"nbf":1,"exp":2,"jti":"j","type":"access","extra":true}"#,
            #"{"sub":"s","sub":"t","iat":1,"nbf":1,"exp":2,"jti":"j","type":"access"}"#,  // repeated
            #"{"sub":"s","iat":1,"nbf":1,"exp":2,"jti":"j","type":"access"}x"#,
            #"{"sub":"s","iat":1,"nbf":1,"exp":2,"jti":"j","type":"access",}"#,
            #"{"sub":"s","iat":1,"nbf":1,"exp":2,"jti":"j","type":"access","aud":["a",]}"#,
            #"{"sub":"s","iat":1,"nbf":1,"exp":2,"jti":"j","type":"access","aud":[1]}"#,
            #"{"sub":"s","iat":1,"nbf":1,"exp":2,"jti":"j"}"#,  // no type
        ]
        for other in others {
            #expect(ClaimsReader.read(Array(other.utf8)) == nil, "\(other)")
        }
    }

    @Test("cut short or with a byte changed anywhere: nil or the decoder's reading")
    func mutations() {
        let bytes = Array(Self.plain.utf8)
        var read = 0
        for end in 0..<bytes.count {
            #expect(ClaimsReader.read(Array(bytes[..<end])) == nil, "cut at \(end)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            var changed = bytes
            changed[Int.random(in: 0..<changed.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            guard let claims = ClaimsReader.read(changed) else { continue }
            read += 1
            let decoded = try? Self.decoder.decode(AccessClaims.self, from: Data(changed))
            #expect(claims == decoded, "\(String(decoding: changed, as: UTF8.self))")
        }
        #expect(read > 0, "some changes (inside a string, a digit) keep the plain shape")
    }
}
