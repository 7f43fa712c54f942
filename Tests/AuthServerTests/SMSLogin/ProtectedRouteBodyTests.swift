import Foundation
import Testing

@testable import AuthServer

/// The hand-written protected-route body must be the bytes ``JSONResponse`` would have encoded,
/// whatever a username holds.
@Suite("Auth server: the hand-written JSON body")
struct JSONWriterTests {
    static let strange: [String] = [
        "", "plain", "with space", "quote\"d", "back\\slash", "sl/ash", "tab\tnew\nline\r",
        "\u{0}\u{1}\u{8}\u{b}\u{c}\u{1f}",
        "\u{7f}", "é", "漢字", "emoji 🙂", "\u{2028}\u{2029}", "<script>&amp;</script>",
    ]

    @Test("every control character, escape and non-ASCII text: the encoder's bytes")
    func sameAsEncoder() throws {
        var texts = Self.strange
        texts += (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }
        for text in texts {
            let routes = [
                ProtectedRoute(phoneNumber: text),
                ProtectedRoute(accountSid: "AC" + text, username: text),
                ProtectedRoute(message: text),
            ]
            for route in routes {
                #expect(
                    String(decoding: route.json, as: UTF8.self)
                        == String(decoding: try JSONResponse.encode(route), as: UTF8.self), "\(text.debugDescription)")
            }
        }
    }

    @Test("a field left out is left out, as the encoder leaves out a nil")
    func nilLeftOut() {
        #expect(
            String(decoding: ProtectedRoute(phoneNumber: "+14155550100").json, as: UTF8.self)
                == #"{"message":"This is a protected route","phone_number":"+14155550100"}"#)
    }
}
