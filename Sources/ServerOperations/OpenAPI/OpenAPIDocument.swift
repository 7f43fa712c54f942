import Hummingbird
import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An OpenAPI 3.1 description a server serves about itself (`/openapi.json`), assembled from
/// fragments that live beside the controllers they describe, so a route and its description
/// change in the same place. Each fragment is a JSON object with `paths` and/or `components`;
/// two fragments naming the same path or component is an error, not a silent overwrite.
///
/// ```swift
/// let document = try OpenAPIDocument(
///     title: "verify-emulator control API", version: BuildInfo.version,
///     summary: "The emulator's own API", fragments: [ControlAPI.openAPI, SnapshotsAPI.openAPI])
/// router.get("/emulator/v1/openapi.json") { _, _ in document.response() }
/// ```
public struct OpenAPIDocument: Sendable {
    /// The document as served: sorted keys, so it is the same bytes on every start.
    public let json: [UInt8]
    /// Every described operation as `GET /emulator/v1/faults/{id}`.
    public let operations: Set<String>
    /// ``json`` as the response body, made once: every request shares it.
    private let body: ByteBuffer

    /// Why fragments do not make one document.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public var description: String

        public init(description: String) { self.description = description }
    }

    public init(title: String, version: String, summary: String, fragments: [String]) throws(Problem) {
        var paths: [String: JSONValue] = [:]
        var components: [String: [String: JSONValue]] = [:]
        for (index, fragment) in fragments.enumerated() {
            guard let parsed = try? JSONDecoder().decode(JSONValue.self, from: Data(fragment.utf8)),
                let object = parsed.members
            else { throw Problem(description: "fragment \(index) is not a JSON object") }
            // paths first, then the rest by name: the same problem is named on every start
            for key in object.keys.sorted(by: { ($0 == "paths" ? 0 : 1, $0) < ($1 == "paths" ? 0 : 1, $1) }) {
                let value = object[key] ?? .null
                switch key {
                case "paths":
                    guard let more = value.members else {
                        throw Problem(description: "fragment \(index): paths is not an object")
                    }
                    for (path, item) in more {
                        guard paths[path] == nil else {
                            throw Problem(description: "fragment \(index): path \(path) is described twice")
                        }
                        paths[path] = item
                    }
                case "components":
                    guard let sections = value.members?.compactMapValues(\.members),
                        sections.count == value.members?.count
                    else {
                        throw Problem(description: "fragment \(index): components is not an object of objects")
                    }
                    for (section, entries) in sections {
                        for (name, entry) in entries {
                            guard components[section, default: [:]][name] == nil else {
                                throw Problem(
                                    description: "fragment \(index): components.\(section).\(name) is described twice")
                            }
                            components[section, default: [:]][name] = entry
                        }
                    }
                default:
                    throw Problem(description: "fragment \(index): \(key) is neither paths nor components")
                }
            }
        }
        operations = Set(
            paths.flatMap { path, item in
                (item.members ?? [:]).keys.filter(Self.methods.contains).map { "\($0.uppercased()) \(path)" }
            })
        let document = JSONValue.object([
            "openapi": .string("3.1.0"),
            "info": .object(["title": .string(title), "version": .string(version), "description": .string(summary)]),
            "paths": .object(paths),
            "components": .object(components.mapValues(JSONValue.object)),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            json = Array(try encoder.encode(document))
            body = ByteBuffer(bytes: json)
        } catch {
            throw Problem(description: "the document does not serialize: \(error)")
        }
    }

    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]

    /// What does not match between the document and a router's routes (as
    /// `"GET /emulator/v1/faults/:id"`), so a route added without its description, or a
    /// description left behind by a removed route, fails the server's start and every test:
    /// the routes `describes` picks must be exactly the document's operations.
    public func mismatches(routes: [String], describes: (String) -> Bool = { _ in true }) -> [String] {
        let routed = Set(
            routes.compactMap { route -> String? in
                let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
                guard parts.count == 2, describes(parts[1]) else { return nil }
                let path = parts[1].split(separator: "/", omittingEmptySubsequences: false).map { part in
                    part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
                }
                return "\(parts[0]) \(path.joined(separator: "/"))"
            })
        return routed.subtracting(operations).sorted().map { "\($0) is served but not described" }
            + operations.subtracting(routed).sorted().map { "\($0) is described but not served" }
    }

    /// The document as a response: JSON, cacheable for a minute (it changes only with the binary).
    public func response() -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json", .cacheControl: "public, max-age=60"],
            body: .init(byteBuffer: body))
    }
}
