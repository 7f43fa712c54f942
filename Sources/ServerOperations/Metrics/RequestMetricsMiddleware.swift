import CoreMetrics
import Hummingbird
import Synchronization

/// Counts every request by route pattern, method and status
/// (`http_requests_total{route, method, status}`) and times it
/// (`http_request_duration_seconds{route, method}`, until the handler has its answer: a
/// streamed body, such as the inbox's live feed, is timed to its first byte, not to its end).
///
/// The route is the pattern the router matched (`/v2/Services/:service/Verifications`), never the
/// raw path, so SIDs and typos cannot grow the label set; an unmatched path is `NotFound`. Add it
/// first, so it sees the answer the error middleware made of a thrown error.
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
            cache.record(
                metrics, route: context.endpointPath ?? "NotFound", method: request.method,
                status: response.status.code, duration: .now - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            cache.record(
                metrics, route: context.endpointPath ?? "NotFound", method: request.method, status: status,
                duration: .now - started)
            throw error
        }
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
