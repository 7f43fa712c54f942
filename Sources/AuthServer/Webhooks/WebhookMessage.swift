import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One Standard Webhooks message: its id (`webhook-id`, the same on every retry) and its JSON
/// body `{"type", "timestamp", "data"}`, `data` being the recorded ``AuditRecord``.
struct WebhookMessage: Sendable, Equatable {
    var id: String
    var type: AuditEventType
    var payload: String

    init(_ record: AuditRecord) {
        struct Body: Encodable {
            var type: String
            var timestamp: String
            var data: AuditRecord
        }
        id = "msg_" + OpaqueToken.hash(OpaqueToken.make()).prefix(32)
        type = record.type
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = Body(
            type: record.type.rawValue,
            timestamp: Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(
                Date(timeIntervalSince1970: record.at)),
            data: record)
        payload = (try? encoder.encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The `webhook-signature` header for a delivery at `timestamp` (Unix seconds): `v1,` and the
    /// base64 HMAC-SHA256 of `id.timestamp.payload` under `key`.
    static func signature(id: String, timestamp: Int, payload: String, key: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(id).\(timestamp).\(payload)".utf8), using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }
}
