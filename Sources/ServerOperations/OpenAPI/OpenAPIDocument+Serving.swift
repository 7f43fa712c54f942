import Hummingbird

extension OpenAPIDocument {
    /// Serves the document at `path` on `router`, then checks it against the router's routes:
    /// call it after every other route is added. A route that `describes` picks and the
    /// document leaves out, or an operation no route serves, stops the server's start with a
    /// ``Problem`` naming each.
    ///
    /// ```swift
    /// try document.serve(at: "/openapi.json", on: router, describes: { $0.hasPrefix("/api/") })
    /// ```
    public func serve<Context: RequestContext>(
        at path: String, on router: Router<Context>, describes: (String) -> Bool = { _ in true }
    ) throws(Problem) {
        router.get(RouterPath(path)) { _, _ in self.response() }
        let mismatches = mismatches(routes: router.routes.map(\.description), describes: describes)
        guard mismatches.isEmpty else {
            throw Problem(description: "the OpenAPI description at \(path): " + mismatches.joined(separator: "; "))
        }
    }

    /// Serves a document that is built on its first request: `built` is a server's process-wide
    /// `static let` (a `Result`, made on first use), so a server nobody asks for its description
    /// never parses the fragments (a tenth of the emulator's start-up; README, Performance).
    /// Debug builds, which every test runs, build it at once and check it against the router's
    /// routes as ``serve(at:on:describes:)`` does, so a route added without its description
    /// still fails every test; a release build, made from the same routes, skips the check.
    ///
    /// ```swift
    /// static let built = Result { () throws(OpenAPIDocument.Problem) in try make() }
    /// try OpenAPIDocument.serve(built: built, at: "/openapi.json", on: router)
    /// ```
    public static func serve<Context: RequestContext>(
        built: @autoclosure @escaping @Sendable () -> Result<OpenAPIDocument, Problem>, at path: String,
        on router: Router<Context>, describes: (String) -> Bool = { _ in true }
    ) throws(Problem) {
        #if DEBUG
        try built().get().serve(at: path, on: router, describes: describes)
        #else
        router.get(RouterPath(path)) { _, _ in try built().get().response() }
        #endif
    }

    /// `"400": {"$ref": "#/components/responses/BadRequest"}, …` for a fragment's `responses`:
    /// each status with the shared response `names` gives it (a status without one names a
    /// response that does not exist, which validating the document refuses).
    ///
    /// ```swift
    /// "responses": {"200": {…}, \#(OpenAPIDocument.references([400, 404], names: [400: "BadRequest", 404: "NotFound"]))}
    /// ```
    public static func references(_ statuses: [Int], names: [Int: String]) -> String {
        statuses.map { status in
            "\"\(status)\": {\"$ref\": \"#/components/responses/\(names[status] ?? "Status\(status)")\"}"
        }
        .joined(separator: ", ")
    }
}
