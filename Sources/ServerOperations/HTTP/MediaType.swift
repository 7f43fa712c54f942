import HTTPTypes

/// What both servers read of a request to tell a browser's cross-site request from an app's:
/// whether its body says JSON (a form or a `text/plain` "simple" request cannot, without a CORS
/// preflight) and the fetch metadata browsers send.
///
/// ```swift
/// MediaType.isJSON("application/json; charset=utf-8")   // true
/// MediaType.isJSON("text/plain")                        // false
/// ```
public enum MediaType {
    /// `application/json`, with parameters or not, in any case.
    public static func isJSON(_ contentType: String?) -> Bool {
        guard let type = contentType?.split(separator: ";", maxSplits: 1).first else { return false }
        return type.filter { $0 != " " && $0 != "\t" }.lowercased() == "application/json"
    }

    /// `application/x-www-form-urlencoded`, with parameters or not, in any case.
    public static func isForm(_ contentType: String?) -> Bool {
        guard let type = contentType?.split(separator: ";", maxSplits: 1).first else { return false }
        return type.filter { $0 != " " && $0 != "\t" }.lowercased() == "application/x-www-form-urlencoded"
    }
}

extension HTTPField.Name {
    /// Fetch metadata: `same-origin`, `same-site`, `cross-site` or `none` (typed by the user).
    public static let secFetchSite = Self("Sec-Fetch-Site")!
}
