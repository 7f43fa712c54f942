import Synchronization

/// The methods each route pattern answers, read from a router once every route is added, so
/// an error middleware can answer a known path asked with another method 405 with an `Allow`
/// header (as HTTP asks) rather than a 404 that says the path does not exist.
///
/// ```swift
/// let methods = RouteMethods()
/// router.add(middleware: ErrorMiddleware(routeMethods: methods))   // consults it on a 404
/// … every route …
/// methods.load(router.routes.map(\.description))                  // "GET /faults/{id}"
/// methods.allowed(for: "/faults/abc")                              // ["DELETE"]
/// ```
///
/// Only consulted on the error path, so it costs the requests that find a route nothing.
public final class RouteMethods: Sendable {
    private struct Pattern {
        var segments: [Substring]
        var methods: [String]
    }

    private let patterns = Mutex<[Pattern]>([])

    public init() {}

    /// Replaces the table with `routes`, each `"METHOD /path/{parameter}"` as Hummingbird's
    /// `RouteDescription` spells it (`:parameter` and `*` work too).
    public func load(_ routes: [String]) {
        var byPath: [String: [String]] = [:]
        var order: [String] = []
        for route in routes {
            let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if byPath[parts[1]] == nil { order.append(parts[1]) }
            byPath[parts[1], default: []].append(parts[0])
        }
        let table = order.map { path in
            Pattern(segments: Self.segments(path), methods: Array(Set(byPath[path] ?? [])).sorted())
        }
        patterns.withLock { $0 = table }
    }

    /// The methods the patterns matching `path` answer (a literal and a capture may both
    /// match); nil when none matches.
    public func allowed(for path: String) -> [String]? {
        let segments = Self.segments(path)
        let methods = patterns.withLock { patterns in
            patterns.filter { Self.matches($0.segments, segments) }.flatMap(\.methods)
        }
        return methods.isEmpty ? nil : Array(Set(methods)).sorted()
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        guard pattern.count == path.count else { return false }
        return zip(pattern, path).allSatisfy { wanted, given in
            wanted == given || wanted == "*" || wanted.hasPrefix(":")
                || (wanted.hasPrefix("{") && wanted.hasSuffix("}"))
        }
    }
}
