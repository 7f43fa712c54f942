import Foundation
import Logging
import Synchronization
import Testing

@testable import ServerOperations

@Suite("--log-format json: one JSON object per line")
struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let written = Mutex<[String]>([])
        func append(_ line: String) { written.withLock { $0.append(line) } }
    }

    @Test("time, level, label, message and the metadata as fields; escapes keep every line one object")
    func fields() throws {
        let lines = Lines()
        var logger = Logger(label: "verify-emulator") { label in
            JSONLogHandler(label: label, logLevel: .info) { lines.append($0) }
        }
        logger[metadataKey: "hb.request.id"] = "abc123"
        logger.info(
            "SMS to +15005550006: code \"123456\"\nsecond line\u{1}",
            metadata: [
                "to": "+15005550006", "code": "123456", "tags": .array(["a", "b"]), "nested": .dictionary(["k": "v"]),
                "message": "not the message",
            ])
        logger.debug("below the level")
        let written = lines.written.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.hasSuffix("}\n") && line.dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "SMS to +15005550006: code \"123456\"\nsecond line\u{1}")
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "verify-emulator")
        #expect(object["to"] as? String == "+15005550006")
        #expect(object["code"] as? String == "123456")
        #expect(object["request_id"] as? String == "abc123")
        #expect(object["tags"] as? [String] == ["a", "b"])
        #expect((object["nested"] as? [String: String]) == ["k": "v"])
        let time = try #require(object["time"] as? String)
        #expect(time.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(time)")
        let parsed = try #require(ISO8601DateFormatter.withFractions.date(from: time))
        #expect(abs(parsed.timeIntervalSinceNow) < 60)
    }

    @Test("every control character and quote, escaped as JSON")
    func escapes() throws {
        let lines = Lines()
        let logger = Logger(label: "x") { label in JSONLogHandler(label: label) { lines.append($0) } }
        let text = String((0..<128).map { Character(Unicode.Scalar(UInt8($0))) }) + "é✓"
        logger.info("\(text)")
        let line = try #require(lines.written.withLock { $0.first })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == text)
    }
}

extension ISO8601DateFormatter {
    static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}

@Suite("JSON log times")
struct LogTimeTests {
    @Test("the civil calendar matches Foundation's for dates across four centuries")
    func calendar() {
        // whole seconds from Foundation (exact in a Double), the milliseconds by hand
        let formatter = ISO8601DateFormatter()
        var generator = SystemRandomNumberGenerator()
        let samples: [Int64] =
            [0, 951_782_400_000, 4_107_542_399_999, -1, 1_798_761_599_999]
            + (0..<2000).map { _ in
                Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator)
            }
        for milliseconds in samples {
            let millis = ((milliseconds % 1000) + 1000) % 1000
            let seconds = (milliseconds - millis) / 1000
            let whole = formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))
            let expected = whole.dropLast() + "." + String(format: "%03d", millis) + "Z"
            #expect(JSONLogHandler.timestamp(millisecondsSince1970: milliseconds) == expected, "\(milliseconds)")
        }
    }
}
