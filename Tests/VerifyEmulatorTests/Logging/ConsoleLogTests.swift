import Foundation
import Logging
import Testing

@testable import VerifyEmulator

@Suite("Console log")
struct ConsoleLogTests {
    /// Collects what a log handler writes.
    final class Lines: TextOutputStream, @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func write(_ string: String) { lock.withLock { text += string } }
        var written: String { lock.withLock { text } }
    }

    @Test("ConsoleLogHandler writes what StreamLogHandler writes, metadata included")
    func sameLinesAsStreamLogHandler() {
        let ours = Lines()
        let theirs = Lines()
        var console = Logger(label: "verify-emulator") { ConsoleLogHandler(label: $0, output: ours) }
        var stream = Logger(label: "verify-emulator") {
            StreamLogHandler(label: $0, stream: theirs, metadataProvider: nil)
        }
        for logger in [console, stream] {
            logger.info("plain line")
        }
        console[metadataKey: "hb.request.id"] = "42"
        stream[metadataKey: "hb.request.id"] = "42"
        console[metadataKey: "service"] = "VA1"
        stream[metadataKey: "service"] = "VA1"
        for logger in [console, stream] {
            logger.info("SMS to +15005550006: code 123456", metadata: ["verification": "VE1", "service": "VA2"])
            logger.debug("below the level, not written")
            logger.warning("no explicit metadata")
        }
        // Lines start with a timestamp to the second; compare what follows it.
        func withoutTimestamps(_ text: String) -> [String] {
            text.split(separator: "\n").map { String($0.drop { $0 != " " }) }
        }
        #expect(withoutTimestamps(ours.written) == withoutTimestamps(theirs.written))
        #expect(withoutTimestamps(ours.written).count == 3)
        #expect(ours.written.contains("hb.request.id=42 service=VA2 verification=VE1"))
        #expect(ours.written.contains("hb.request.id=42 service=VA1 [VerifyEmulatorTests] no explicit metadata"))

        // the fields a message already says are left out of the text line (JSON lines keep them)
        let said = Lines()
        let text = Logger(label: "verify-emulator") { ConsoleLogHandler(label: $0, output: said) }
        text.info(
            "SMS to +15005550006: code 123456",
            metadata: ["verification": "VE1", "to": "+15005550006", "code": "123456", "channel": "sms"])
        text.info(
            "POST /v2/x -> 404 20404: no", metadata: ["route": "NotFound", "status": "404", "duration_ms": "1.5"])
        #expect(said.written.contains("verification=VE1 [VerifyEmulatorTests] SMS to +15005550006: code 123456\n"))
        #expect(said.written.contains(": [VerifyEmulatorTests] POST /v2/x -> 404 20404: no\n"))
        #expect(!said.written.contains("code=") && !said.written.contains("route=") && !said.written.contains("to="))
    }
}
