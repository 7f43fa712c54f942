import CoreMetrics
import Hummingbird
import Logging
import Synchronization

/// Counts every request by route pattern, method and status
/// (`http_requests_total{route, method, status}`) and times it
/// (`http_request_duration_seconds{route, method}`, until the handler has its answer: a
/// streamed body, such as the inbox's live feed, is timed to its first byte, not to its end).
///
/// The route is the pattern the router matched (`/v2/Services/:service/Verifications`), never the
/// raw path, so SIDs and typos cannot grow the label set; an unmatched path is `NotFound`. Add it
/// first, so it sees the answer the error middleware made of a thrown error. At `debug` level it
/// also logs each request, one line with the same fields.
///
/// ```swift
/// router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
/// ```
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    private let cache = RouteMetricsCache()

    public init(metrics: ServerMetrics) {
        self.metrics = metrics
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            finished(request, context: context, status: response.status.code, duration: .now - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            finished(request, context: context, status: status, duration: .now - started)
            throw error
        }
    }

    /// Counts the request, and at `debug` level logs one line of it (route, method, status,
    /// duration; the request id is the logger's), built only when that level is on.
    private func finished(_ request: Request, context: Context, status: Int, duration: Duration) {
        let route = context.endpointPath ?? "NotFound"
        cache.record(metrics, route: route, method: request.method, status: status, duration: duration)
        let (seconds, attoseconds) = duration.components
        context.logger.debug(
            "\(request.method) \(request.uri.path) -> \(status)",
            metadata: [
                "route": "\(route)", "method": "\(request.method)", "status": "\(status)",
                "duration_ms": "\(((Double(seconds) * 1000 + Double(attoseconds) / 1e15) * 10).rounded() / 10)",
            ])
    }
}

/// The counter and histogram of each route, method and status, found without building label
/// arrays on every request.
final class RouteMetricsCache: Sendable {
    private struct Key: Hashable {
        var route: String
        var method: HTTPRequest.Method
        var status: Int
    }

    private let entries = Mutex<[Key: (counter: CoreMetrics.Counter, timer: CoreMetrics.Timer)]>([:])

    func record(_ metrics: ServerMetrics, route: String, method: HTTPRequest.Method, status: Int, duration: Duration) {
        let key = Key(route: route, method: method, status: status)
        let entry =
            entries.withLock { $0[key] }
            ?? {
                let made = (
                    counter: metrics.counter(
                        "http_requests_total", ["route": route, "method": method.rawValue, "status": String(status)]),
                    timer: metrics.timer("http_request_duration_seconds", ["route": route, "method": method.rawValue])
                )
                entries.withLock { $0[key] = made }
                return made
            }()
        entry.counter.increment()
        let (seconds, attoseconds) = duration.components
        entry.timer.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

extension ServerMetrics {
    /// `GET /metrics`: the text exposition, never cached.
    public func response() -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: exposition())))
    }
}
