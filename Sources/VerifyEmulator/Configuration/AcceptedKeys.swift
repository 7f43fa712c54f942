#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The keys a JSON document may use, object by object: fixture files and control-API bodies are
/// checked against these, so a misspelt key (`"acounts"`, `"advance"`) is an error naming it and
/// the keys that place accepts, not a setting silently left out.
enum AcceptedKeys {
    /// An object's accepted keys, and the shape below each key that holds objects.
    indirect enum Shape: Sendable {
        case object([String: Shape?])
        case list(Shape)
    }

    static let faultError: Shape = .object(["code": nil, "status": nil, "message": nil])
    static let faultRule: Shape = .object([
        "endpoint": nil, "service_sid": nil, "to": nil, "error": faultError, "latency_ms": nil, "times": nil,
        "id": nil, "description": nil, "fraud_guard": nil,
    ])
    static let fixedCode: Shape = .object(["to": nil, "service_sid": nil, "code": nil])
    static let accountCreation: Shape = .object(["friendly_name": nil])
    static let clockChange: Shape = .object(["set": nil, "advance_seconds": nil, "frozen": nil, "account_sid": nil])
    static let deviceEnrolment: Shape = .object(["service_sid": nil, "identity": nil, "friendly_name": nil])
    static let fixtures: Shape = .object([
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
                "entities": .list(
                    .object([
                        "identity": nil,
                        "factors": .list(
                            .object([
                                "sid": nil, "friendly_name": nil, "secret": nil, "status": nil, "alg": nil,
                                "code_length": nil, "time_step": nil, "skew": nil,
                            ])),
                        "devices": .list(.object(["sid": nil, "friendly_name": nil])),
                    ])),
            ])),
        "fixed_codes": .list(fixedCode),
        "faults": .list(faultRule),
        "limits": .object([
            "max_send_attempts": nil, "send_window": nil, "max_check_attempts": nil, "code_expiry": nil,
        ]),
        "clock": .object(["offset_seconds": nil, "frozen_at": nil]),
    ])

    /// The first key of `json` that `shape` does not accept, as its path and why; nil when all are
    /// known. `document` names the top level in the message ("the file", "the body").
    static func unknownKey(
        in json: Any, shape: Shape, path: String = "", document: String = "the file"
    ) -> (path: String, problem: String)? {
        switch shape {
        case .list(let element):
            guard let items = json as? [Any] else { return nil }
            for (index, item) in items.enumerated() {
                if let found = unknownKey(in: item, shape: element, path: "\(path)[\(index)]", document: document) {
                    return found
                }
            }
        case .object(let keys):
            guard let object = json as? [String: Any] else { return nil }
            for key in object.keys.sorted() {
                let place = path.isEmpty ? key : "\(path).\(key)"
                guard let below = keys[key] else {
                    return (
                        place,
                        "unknown key; \(path.isEmpty ? document : path) takes "
                            + keys.keys.sorted().joined(separator: ", ")
                    )
                }
                if let below, let value = object[key],
                    let found = unknownKey(in: value, shape: below, path: place, document: document)
                {
                    return found
                }
            }
        }
        return nil
    }
}
