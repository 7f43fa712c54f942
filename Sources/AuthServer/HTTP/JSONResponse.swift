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

    /// A body already encoded (by ``JSONWriter``).
    static func make(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The body's bytes, encoded as every response is.
    static func encode(_ body: some Encodable) throws -> Data {
        try encoder.encode(body)
    }

    /// One encoder for every response (it is Sendable and keeps no state between calls): making
    /// one per response was a twentieth of a protected request.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A response no cache on the way may keep: anything carrying a token or a challenge.
    static func uncached(_ body: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        try make(body, status: status, headers: [.cacheControl: "no-store"])
    }
}
