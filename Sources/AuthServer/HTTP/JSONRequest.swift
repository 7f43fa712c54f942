import Hummingbird
import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reading JSON request bodies: at most 16 KiB; a missing key or a body that is not the
/// expected JSON is a 400 that names the key or shows an example.
enum JSONRequest {
    static let maxBodySize = 16 * 1024

    static func decode<T: Decodable>(
        _ type: T.Type, from request: Request, example: String = #"{"phone_number": "+14155550100"}"#
    ) async throws -> T {
        try decode(T.self, from: try await body(request), example: example)
    }

    /// The body's bytes, at most ``maxBodySize`` (a browser's credential JSON, passed on as it is).
    static func body(_ request: Request) async throws -> Data {
        do {
            return Data(try await request.body.collect(upTo: maxBodySize).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw APIError(status: .contentTooLarge, message: "Request body too large")
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError(status: .contentTooLarge, message: "Request body too large")
        }
        // anything else (a broken chunked body) goes on to APIErrorMiddleware: a 400
    }

    /// A JSON object's string fields, or nil for a body with nothing in it (a `DELETE` may well
    /// send none); a body that is not a JSON object is a 400 showing `example`.
    static func optionalFields(_ request: Request, example: String) async throws -> [String: String]? {
        let bytes = try await body(request)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        return try decode(JSONStrings.self, from: bytes, example: example).values
    }

    /// A body's bytes as `T`; a missing key or anything else is a 400 naming it.
    static func decode<T: Decodable>(
        _ type: T.Type, from bytes: some Collection<UInt8>, example: String
    ) throws(APIError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch DecodingError.keyNotFound(let key, _) {
            throw APIError.badRequest("\(key.stringValue) is required")
        } catch {
            throw APIError.badRequest("The body must be JSON like \(example)")
        }
    }

    /// The JSON object's string fields; each of `required` must be present, or the refusal names
    /// every missing one as a field error.
    static func fields(_ request: Request, required: [String]) async throws -> [String: String] {
        let example = "{" + required.map { "\"\($0)\": \"…\"" }.joined(separator: ", ") + "}"
        let object = try await decode(JSONStrings.self, from: request, example: example).values
        var errors = FormErrors()
        for name in required where object[name] == nil { errors.fields[name] = "\(name) is required" }
        guard errors.fields.isEmpty else { throw errors }
        return object
    }
}

/// A JSON object's string members (others are ignored, so a number where a string belongs reads
/// as missing and gets a "required" error rather than a 500).
struct JSONStrings: Decodable {
    var values: [String: String] = [:]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if let value = try? container.decode(String.self, forKey: key) { values[key.stringValue] = value }
        }
    }
}
