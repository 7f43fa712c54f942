import HTTPTypes
import Hummingbird
import NIOCore
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// JSON responses in Twilio's style: snake_case keys are in the resource types, slashes
/// unescaped so URLs read as URLs, keys sorted so identical requests get byte-identical bodies
/// (Foundation's encoder on Linux writes an object's keys in a different order each time, which
/// breaks snapshot tests).
enum JSONResponse {
    static func make(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) throws
        -> Response
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let data = try encoder.encode(value)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A response from JSON bytes already written (see ``JSONWriter``).
    static func make(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static let reachedRateLimit = HTTPField.Name("Twilio-Reached-Rate-Limit")!

    static func error(_ error: TwilioError, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        if error.status == 401 { fields[.wwwAuthenticate] = "Basic realm=\"Twilio API\"" }
        if let seconds = error.retryAfter { fields[.retryAfter] = String(max(1, seconds)) }
        if let limit = error.reachedRateLimit { fields[Self.reachedRateLimit] = limit }
        do {
            return try make(error, status: .init(code: error.status), headers: fields)
        } catch {
            return Response(status: .internalServerError)
        }
    }
}
