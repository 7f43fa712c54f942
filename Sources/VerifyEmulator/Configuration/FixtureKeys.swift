#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The keys a fixtures file may use, object by object, so a misspelt key (`"acounts"`) is an
/// error naming it and the keys that place accepts, not a setting silently left out.
enum FixtureKeys {
    /// An object's accepted keys, and the shape below each key that holds objects.
    indirect enum Shape: Sendable {
        case object([String: Shape?])
        case list(Shape)
    }

    static let error: Shape = .object(["code": nil, "status": nil, "message": nil])
    static let file: Shape = .object([
        "accounts": .list(
            .object([
                "sid": nil, "auth_token": nil, "friendly_name": nil,
                "api_keys": .list(.object(["sid": nil, "secret": nil])),
            ])),
        "services": .list(
            .object([
                "sid": nil, "account_sid": nil, "friendly_name": nil, "code_length": nil, "custom_code_enabled": nil,
                "rate_limits": .list(
                    .object([
                        "unique_name": nil, "description": nil,
                        "buckets": .list(.object(["max": nil, "interval": nil])),
                    ])),
            ])),
        "fixed_codes": .list(.object(["to": nil, "service_sid": nil, "code": nil])),
        "faults": .list(
            .object([
                "endpoint": nil, "service_sid": nil, "to": nil, "error": error, "latency_ms": nil, "times": nil,
                "id": nil, "description": nil,
            ])),
        "limits": .object([
            "max_send_attempts": nil, "send_window": nil, "max_check_attempts": nil, "code_expiry": nil,
        ]),
        "clock": .object(["offset_seconds": nil, "frozen_at": nil]),
    ])

    /// The first key of `json` that `shape` does not accept, as "path: why"; nil when all are known.
    static func unknownKey(in json: Any, shape: Shape = file, path: String = "") -> String? {
        switch shape {
        case .list(let element):
            guard let items = json as? [Any] else { return nil }
            for (index, item) in items.enumerated() {
                if let problem = unknownKey(in: item, shape: element, path: "\(path)[\(index)]") { return problem }
            }
        case .object(let keys):
            guard let object = json as? [String: Any] else { return nil }
            for key in object.keys.sorted() {
                let place = path.isEmpty ? key : "\(path).\(key)"
                guard let below = keys[key] else {
                    return "\(place): unknown key; \(path.isEmpty ? "the file" : path) takes "
                        + keys.keys.sorted().joined(separator: ", ")
                }
                if let below, let problem = unknownKey(in: object[key]!, shape: below, path: place) {
                    return problem
                }
            }
        }
        return nil
    }
}
