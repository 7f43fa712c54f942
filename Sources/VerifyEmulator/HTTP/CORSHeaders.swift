import HTTPTypes

/// The CORS headers Twilio's description lists on every Verify response, so a page in a
/// browser (a demo, a test harness) can call the emulator directly. A request with an `Origin`
/// gets that origin back with credentials allowed (Basic auth from a page needs both); one
/// without gets `*`, as Twilio's examples show.
enum CORSHeaders {
    static let allowOrigin = HTTPField.Name("Access-Control-Allow-Origin")!
    static let allowMethods = HTTPField.Name("Access-Control-Allow-Methods")!
    static let allowHeaders = HTTPField.Name("Access-Control-Allow-Headers")!
    static let allowCredentials = HTTPField.Name("Access-Control-Allow-Credentials")!
    static let exposeHeaders = HTTPField.Name("Access-Control-Expose-Headers")!
    static let origin = HTTPField.Name("Origin")!

    /// Every method a Verify path answers, for responses that are not a preflight.
    static let allMethods = "GET, POST, DELETE, OPTIONS"

    /// Adds the headers for a request from `origin` to a path answering `methods`.
    static func add(to fields: inout HTTPFields, origin: String?, methods: String = allMethods) {
        if let origin, !origin.isEmpty {
            fields[allowOrigin] = origin
            fields[allowCredentials] = "true"
            fields[.vary] = "Origin"
        } else {
            fields[allowOrigin] = "*"
        }
        fields[allowMethods] = methods
        fields[allowHeaders] = "Content-Type, Authorization"
        fields[exposeHeaders] =
            "Twilio-Request-Id, Twilio-Verify-Signature-Fields, Retry-After, Twilio-Reached-Rate-Limit"
    }
}
