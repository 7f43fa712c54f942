extension DecodingError {
    /// Where and why a JSON document failed to decode, as "faults[0].times: Expected to decode
    /// Int but found a string": fixture files and control-API bodies name the field this way.
    var fieldDescription: String {
        func path(_ codingPath: [any CodingKey]) -> String {
            Self.path(codingPath) ?? "(top level)"
        }
        switch self {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            let underlying = context.underlyingError.map { " (\($0))" } ?? ""
            return "\(path(context.codingPath)): \(context.debugDescription)\(underlying)"
        @unknown default:
            return "\(self)"
        }
    }

    /// The key path of the field that failed, for a parameter name ("times", "error.code").
    var fieldPath: String {
        let keys: [any CodingKey]
        switch self {
        case .keyNotFound(let key, let context): keys = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            keys = context.codingPath
        @unknown default: keys = []
        }
        return Self.path(keys) ?? "body"
    }

    /// `faults[0].error.code` for a coding path; nil for the top level.
    private static func path(_ keys: [any CodingKey]) -> String? {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? nil : text
    }
}
