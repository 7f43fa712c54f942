import Foundation
import Testing
import VerifyWire

@Suite("Base64url")
struct Base64URLTests {
    @Test("agrees with Foundation's base64 for every length and byte, in both directions")
    func matchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == expected)
            #expect(Base64URL.decode(expected) == bytes)
            #expect(Base64URL.decode(expected + String(repeating: "=", count: (4 - expected.count % 4) % 4)) == bytes)
        }
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
    }

    @Test("refuses what is not base64url: the standard alphabet's + and /, padding inside, an impossible length")
    func refusals() {
        for text in ["a+b", "a/b", "ab=c", "abcde", "ab cd", "é"] {
            #expect(Base64URL.decode(text) == nil, "\(text)")
        }
        #expect(Base64URL.isCanonical("-_8"))
        #expect(!Base64URL.isCanonical("-_9"), "unused low bits set")
        #expect(!Base64URL.isCanonical("-_8="), "padding")
    }
}
