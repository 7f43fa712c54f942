import ServerOperations
import Testing

@Suite("RouteMethods: which methods a path takes, for 405 answers")
struct RouteMethodsTests {
    @Test("literal and captured segments match; a literal and a capture that both match add up")
    func matches() {
        let methods = RouteMethods()
        #expect(methods.allowed(for: "/faults") == nil)
        methods.load([
            "GET /faults", "POST /faults", "DELETE /faults", "DELETE /faults/{id}", "GET /a/b", "POST /a/:x",
            "GET /", "GET /s/*/end",
        ])
        #expect(methods.allowed(for: "/faults") == ["DELETE", "GET", "POST"])
        #expect(methods.allowed(for: "/faults/abc") == ["DELETE"])
        #expect(methods.allowed(for: "/faults/abc/def") == nil)
        #expect(methods.allowed(for: "/a/b") == ["GET", "POST"])
        #expect(methods.allowed(for: "/a/c") == ["POST"])
        #expect(methods.allowed(for: "/") == ["GET"])
        #expect(methods.allowed(for: "/s/x/end") == ["GET"])
        #expect(methods.allowed(for: "/nowhere") == nil)
        // a new table replaces the old one
        methods.load(["PUT /faults"])
        #expect(methods.allowed(for: "/faults") == ["PUT"])
        #expect(methods.allowed(for: "/a/b") == nil)
    }
}
