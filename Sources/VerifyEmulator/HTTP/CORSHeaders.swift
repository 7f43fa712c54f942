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

    /// The fields every response gets alike, made once: this runs on every `/v2` response.
    private static let anyOrigin = HTTPField(name: allowOrigin, value: "*")
    private static let allMethodsField = HTTPField(name: allowMethods, value: allMethods)
    private static let allowHeadersField = HTTPField(name: allowHeaders, value: "Content-Type, Authorization")
    private static let exposeHeadersField = HTTPField(
        name: exposeHeaders,
        value: "Twilio-Request-Id, Twilio-Verify-Signature-Fields, Retry-After, Twilio-Reached-Rate-Limit")

    /// Appends the headers for a request from `origin` to a path answering `methods`, to fields
    /// that hold none of them yet.
    static func add(to fields: inout HTTPFields, origin: String?, methods: String = allMethods) {
        if let origin, !origin.isEmpty {
            fields.append(HTTPField(name: allowOrigin, value: origin))
            fields.append(HTTPField(name: allowCredentials, value: "true"))
            fields.append(HTTPField(name: .vary, value: "Origin"))
        } else {
            fields.append(anyOrigin)
        }
        fields.append(methods == allMethods ? allMethodsField : HTTPField(name: allowMethods, value: methods))
        fields.append(allowHeadersField)
        fields.append(exposeHeadersField)
    }
}
