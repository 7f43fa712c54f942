import Hummingbird
import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// JSON responses from `Encodable` bodies: keys in snake_case and sorted, slashes unescaped,
/// absent optionals left out. Each endpoint's body is a type of its own, so a field can never
/// silently become `null`.
///
/// ```swift
/// return try JSONResponse.make(MessageBody("Logged out"))
/// ```
enum JSONResponse {
    static func make(
        _ body: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: try encode(body))))
    }

    /// The body's bytes, encoded as every response is.
    static func encode(_ body: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(body)
    }

    /// A response no cache on the way may keep: anything carrying a token or a challenge.
    static func uncached(_ body: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        try make(body, status: status, headers: [.cacheControl: "no-store"])
    }
}
