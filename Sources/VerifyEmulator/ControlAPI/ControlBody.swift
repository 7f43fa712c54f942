// JSONSerialization, for the unknown-key check, is not in FoundationEssentials
import Foundation
import Hummingbird
import VerifyWire

/// Reading a JSON control-API body. An empty body decodes as `{}`. A key `accepts` does not
/// list, or a value of the wrong type, is a 400 naming the key (and the keys the body takes), so a
/// typo such as `{"advance": 601}` is never a 200 that did nothing.
enum ControlBody {
    static func decode<T: Decodable>(
        _ type: T.Type, from bytes: some Collection<UInt8>, accepts keys: AcceptedKeys.Shape
    ) throws(TwilioError) -> T {
        let data = bytes.isEmpty ? Data("{}".utf8) : Data(bytes)
        guard let json = try? JSONSerialization.jsonObject(with: data), json is [String: Any] else {
            throw TwilioError.malformedBody(hint: "control API bodies are JSON objects")
        }
        if let unknown = AcceptedKeys.unknownKey(in: json, shape: keys, document: "the body") {
            throw TwilioError.invalidParameter(unknown.path, hint: "\(unknown.path): \(unknown.problem)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw TwilioError.invalidParameter(error.fieldPath, hint: error.fieldDescription)
        } catch {
            throw TwilioError.malformedBody(hint: "control API bodies are JSON objects: \(error)")
        }
    }
}

extension Request {
    /// The request's JSON control-API body, read by ``ControlBody``.
    func controlBody<T: Decodable>(
        _ type: T.Type, accepts keys: AcceptedKeys.Shape, context: EmulatorRequestContext
    ) async throws -> T {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        return try ControlBody.decode(T.self, from: buffer.readableBytesView, accepts: keys)
    }
}
