import Logging

/// swift-log's `StreamLogHandler` on standard error, with its metadata formatted when a line is
/// written rather than whenever the metadata changes.
///
/// Hummingbird gives every request a logger with its own `hb.request.id` metadata, and
/// `StreamLogHandler` formats its whole metadata on each such change: about 1% of the
/// emulator's CPU under load, for lines that are almost never written. The output is the same.
///
/// ```swift
/// LoggingSystem.bootstrap { label in ConsoleLogHandler(label: label, logLevel: .info) }
/// ```
public struct ConsoleLogHandler: LogHandler {
    private var stream: StreamLogHandler
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }
    public var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    public init(label: String, logLevel: Logger.Level = .info) {
        stream = StreamLogHandler.standardError(label: label)
        stream.logLevel = logLevel
    }

    /// Writes to `output` instead (tests compare it with `StreamLogHandler`'s own).
    init(label: String, output: any TextOutputStream & Sendable) {
        stream = StreamLogHandler(label: label, stream: output, metadataProvider: nil)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Fields a text line's message already says ("SMS to +1…: code 123456", "POST /v2/… ->
    /// 404 20404"): kept for `--log-format json`, left out of the text line.
    static let saidByMessage: Set<String> = [
        "to", "code", "channel", "route", "method", "status", "error_code", "duration_ms",
    ]

    public func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            // The line's own metadata wins over the logger's, as in StreamLogHandler.
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        }
        if let fields = event.metadata, fields.keys.contains(where: Self.saidByMessage.contains) {
            event.metadata = fields.filter { !Self.saidByMessage.contains($0.key) }
        }
        stream.log(event: event)
    }
}
