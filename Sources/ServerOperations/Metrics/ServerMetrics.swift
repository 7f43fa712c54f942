import CoreMetrics
import Prometheus
import Synchronization

/// One server's metrics, through swift-metrics into its own Prometheus registry, exposed at
/// `GET /metrics` in Prometheus' text format.
///
/// Each server instance has a registry of its own rather than the process-wide
/// `MetricsSystem`: a test suite runs many emulators in one process, and an app that links the
/// emulator as a library keeps its own metrics backend. Metric objects are made once per name
/// and label values, then cached.
///
/// ```swift
/// let metrics = ServerMetrics(namespace: "verify_emulator")
/// metrics.increment("verify_emulator_messages_total", ["channel": "sms"])
/// router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
/// router.get("/metrics") { _, _ in metrics.response() }
/// ```
public final class ServerMetrics: Sendable {
    /// The swift-metrics factory writing into this server's registry.
    public let factory: PrometheusMetricsFactory
    private let registry: PrometheusCollectorRegistry
    private let counters = Mutex<[Key: CoreMetrics.Counter]>([:])
    private let timers = Mutex<[Key: CoreMetrics.Timer]>([:])

    private struct Key: Hashable {
        var name: String
        var labels: [String]
    }

    /// Latency buckets from half a millisecond (a cached token) to 10 s (a Twilio timeout).
    public static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    /// A registry with `NAMESPACE_build_info{version, commit} 1`.
    public init(namespace: String) {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.latencyBuckets
        self.factory = factory
        Gauge(
            label: "\(namespace)_build_info",
            dimensions: [("version", BuildInfo.version), ("commit", BuildInfo.commit)],
            factory: factory
        ).record(1)
    }

    /// Adds `amount` to the counter `name` with these label values.
    public func increment(_ name: String, _ labels: KeyValuePairs<String, String> = [:], by amount: Int = 1) {
        counter(name, labels).increment(by: amount)
    }

    /// Records one observation of the histogram `name` (seconds, with ``latencyBuckets``).
    public func record(_ name: String, _ labels: KeyValuePairs<String, String> = [:], _ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        timer(name, labels).recordNanoseconds(max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }

    /// The counter `name` with these label values, made on first use.
    public func counter(_ name: String, _ labels: KeyValuePairs<String, String>) -> CoreMetrics.Counter {
        let key = Key(name: name, labels: labels.flatMap { [$0.key, $0.value] })
        if let cached = counters.withLock({ $0[key] }) { return cached }
        let made = CoreMetrics.Counter(label: name, dimensions: labels.map { ($0.key, $0.value) }, factory: factory)
        return counters.withLock { counters in
            if let raced = counters[key] { return raced }
            counters[key] = made
            return made
        }
    }

    /// The latency histogram `name` with these label values, made on first use.
    public func timer(_ name: String, _ labels: KeyValuePairs<String, String>) -> CoreMetrics.Timer {
        let key = Key(name: name, labels: labels.flatMap { [$0.key, $0.value] })
        if let cached = timers.withLock({ $0[key] }) { return cached }
        let made = CoreMetrics.Timer(
            label: name, dimensions: labels.map { ($0.key, $0.value) }, preferredDisplayUnit: .seconds,
            factory: factory)
        return timers.withLock { timers in
            if let raced = timers[key] { return raced }
            timers[key] = made
            return made
        }
    }

    /// Every metric in Prometheus' text exposition format (version 0.0.4).
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
