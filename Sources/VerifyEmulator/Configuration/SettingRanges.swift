/// The values each numeric setting accepts, named once. Flags and their environment variables,
/// fixture files, the control API and ``buildApplication(configuration:logger:onServerRunning:)``
/// all check against these, so no setting can reach a conversion that overflows.
public enum SettingRanges {
    /// A code's lifetime and the send window, in seconds: 1 second to 1 day.
    public static let windowSeconds: ClosedRange<Int> = 1...86_400
    /// Send and check attempts; 0 turns the limit off.
    public static let attempts: ClosedRange<Int> = 0...1_000_000
    /// How far the emulator clock may move from the system clock at start, and in one step of
    /// the control API: 100 years either way.
    public static let clockSeconds: ClosedRange<Double> = -3_155_760_000...3_155_760_000
    /// How long an idle connection is kept, in seconds: 1 second to 1 hour.
    public static let idleSeconds: ClosedRange<Int> = 1...3600
    /// The largest request body, in bytes: 1 KiB to 16 MiB.
    public static let bodyBytes: ClosedRange<Int> = 1024...16 * 1024 * 1024

    /// How long finished rows are kept, in seconds: 1 second to 10 years (0, or nil, keeps all).
    public static let retentionSeconds: ClosedRange<Int> = 1...315_360_000

    /// Open connections at most.
    public static let connections: ClosedRange<Int> = 1...100_000

    /// "1 to 86400", for messages.
    static func describe<T: Comparable>(_ range: ClosedRange<T>) -> String {
        "\(range.lowerBound) to \(range.upperBound)"
    }

    /// `seconds` in whole milliseconds, when it is a finite number within ``clockSeconds``.
    static func clockMilliseconds(_ seconds: Double) -> Int64? {
        guard seconds.isFinite, clockSeconds.contains(seconds) else { return nil }
        return Int64((seconds * 1000).rounded(.towardZero))
    }
}

extension EmulatorConfiguration {
    /// Why this configuration cannot run, naming the setting and what it accepts; nil when it can.
    public var problem: String? {
        func seconds(_ duration: Duration) -> Int64? {
            let (whole, fraction) = duration.components
            return fraction == 0 ? whole : nil
        }
        for (name, duration) in [("codeExpiry", codeExpiry), ("sendWindow", sendWindow)] {
            guard let value = seconds(duration), value >= 1, value <= Int64(SettingRanges.windowSeconds.upperBound)
            else {
                return "\(name) must be whole seconds, \(SettingRanges.describe(SettingRanges.windowSeconds))"
            }
        }
        for (name, value) in [("maxSendAttempts", maxSendAttempts), ("maxCheckAttempts", maxCheckAttempts)]
        where !SettingRanges.attempts.contains(value) {
            return "\(name) must be \(SettingRanges.describe(SettingRanges.attempts)) (0 turns the limit off)"
        }
        let idle = idleTimeout.components
        if idle.attoseconds != 0 || !SettingRanges.idleSeconds.contains(Int(clamping: idle.seconds)) {
            return "idleTimeout must be whole seconds, \(SettingRanges.describe(SettingRanges.idleSeconds))"
        }
        if let retention {
            let parts = retention.components
            if parts.attoseconds != 0 || !SettingRanges.retentionSeconds.contains(Int(clamping: parts.seconds)) {
                return "retention must be whole seconds, \(SettingRanges.describe(SettingRanges.retentionSeconds))"
            }
        }
        if !SettingRanges.bodyBytes.contains(maxBodySize) {
            return "maxBodySize must be \(SettingRanges.describe(SettingRanges.bodyBytes)) bytes"
        }
        if !SettingRanges.connections.contains(maxConnections) {
            return "maxConnections must be \(SettingRanges.describe(SettingRanges.connections))"
        }
        if !(0...65_535).contains(port) { return "port must be 0 to 65535" }
        return nil
    }
}
