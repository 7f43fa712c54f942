import Foundation
import Logging

#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#else
import Darwin
private let systemWrite = Darwin.write
#endif

/// How a server writes its log lines: `text` (swift-log's console lines, the default) or `json`
/// (one JSON object per line, for CI log search and log shippers).
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
}

/// One JSON object per line: `time` (UTC, milliseconds), `level`, `label`, `message`, then the
/// metadata as top-level fields (Hummingbird's `hb.request.id` as `request_id`; nested values
/// as JSON). A field the line itself sets wins over the logger's.
///
/// ```swift
/// LoggingSystem.bootstrap { label in JSONLogHandler(label: label, logLevel: .info) }
/// // {"time":"2026-12-02T05:01:02.345Z","level":"info","label":"verify-emulator","message":"SMS to +15005550006: code 123456","to":"+15005550006","code":"123456",...}
/// ```
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let output: Output

    /// Where the lines go: a standard stream, or what a test gives.
    final class Output: Sendable {
        let write: @Sendable (String) -> Void
        init(_ write: @escaping @Sendable (String) -> Void) { self.write = write }
        static let standardError = Output { line in writeAll(line, to: 2) }
        static let standardOutput = Output { line in writeAll(line, to: 1) }

        /// One `write(2)` per line where the line fits (a pipe takes up to 4 KB at once, so lines
        /// of concurrent requests never interleave), more for a longer one.
        private static func writeAll(_ line: String, to descriptor: Int32) {
            var line = line
            line.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }

    /// The standard stream a handler writes to: where the server's text lines go too.
    public enum Stream: Sendable {
        case standardOutput
        case standardError
    }

    public init(
        label: String, logLevel: Logger.Level = .info, stream: Stream = .standardError,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.init(
            label: label, logLevel: logLevel, metadataProvider: metadataProvider,
            output: stream == .standardError ? .standardError : .standardOutput)
    }

    /// Writes each line (with its newline) to `write` instead.
    public init(
        label: String, logLevel: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (String) -> Void
    ) {
        self.init(label: label, logLevel: logLevel, metadataProvider: metadataProvider, output: Output(write))
    }

    private init(
        label: String, logLevel: Logger.Level, metadataProvider: Logger.MetadataProvider?, output: Output
    ) {
        self.label = label
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let own = event.metadata { fields.merge(own) { _, new in new } }
        var line = "{\"time\":"
        Self.appendString(Self.timestamp(), to: &line)
        line += ",\"level\":"
        Self.appendString(event.level.rawValue, to: &line)
        line += ",\"label\":"
        Self.appendString(label, to: &line)
        line += ",\"message\":"
        Self.appendString(event.message.description, to: &line)
        for key in fields.keys.sorted() {
            let name = key == "hb.request.id" ? "request_id" : key
            if ["time", "level", "label", "message"].contains(name) { continue }
            line += ","
            Self.appendString(name, to: &line)
            line += ":"
            Self.append(fields[key]!, to: &line)
        }
        line += "}\n"
        output.write(line)
    }

    private static func append(_ value: Logger.MetadataValue, to line: inout String) {
        switch value {
        case .string(let text): appendString(text, to: &line)
        case .stringConvertible(let value): appendString(value.description, to: &line)
        case .array(let values):
            line += "["
            for (index, value) in values.enumerated() {
                if index > 0 { line += "," }
                append(value, to: &line)
            }
            line += "]"
        case .dictionary(let values):
            line += "{"
            for (index, key) in values.keys.sorted().enumerated() {
                if index > 0 { line += "," }
                appendString(key, to: &line)
                line += ":"
                append(values[key]!, to: &line)
            }
            line += "}"
        }
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped.
    static func appendString(_ text: String, to line: inout String) {
        line += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                line += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }

    /// Now in UTC, `2026-12-02T05:01:02.345Z`.
    static func timestamp() -> String {
        timestamp(millisecondsSince1970: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// The UTC time `milliseconds` after 1970 in ISO 8601 (the civil calendar from days, as in
    /// Howard Hinnant's `civil_from_days`).
    static func timestamp(millisecondsSince1970 milliseconds: Int64) -> String {
        let millis = Int(((milliseconds % 1000) + 1000) % 1000)
        let seconds = (milliseconds - Int64(millis)) / 1000
        var days = seconds / 86_400
        var secondOfDay = Int(seconds % 86_400)
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: some BinaryInteger, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))Z"
    }
}
