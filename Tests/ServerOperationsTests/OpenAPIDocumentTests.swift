import Foundation
import Hummingbird
import ServerOperations
import Testing

@Suite("OpenAPIDocument: fragments merged into one description that matches the routes")
struct OpenAPIDocumentTests {
    static let clock = #"""
        {"paths": {"/clock": {"get": {"responses": {"200": {"description": "the clock"}}}}},
         "components": {"schemas": {"Clock": {"type": "object"}}}}
        """#
    static let faults = #"""
        {"paths": {"/faults/{id}": {"delete": {"responses": {"204": {"description": "gone"}}}, "parameters": []}},
         "components": {"schemas": {"Fault": {"type": "object"}}, "responses": {"NotFound": {"description": "no"}}}}
        """#

    @Test("paths and components of every fragment land in one 3.1 document with sorted keys")
    func merges() throws {
        let document = try OpenAPIDocument(
            title: "t", version: "1.2.3", summary: "s", fragments: [Self.clock, Self.faults])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(document.json)) as? [String: Any])
        #expect(json["openapi"] as? String == "3.1.0")
        #expect((json["info"] as? [String: String])?["version"] == "1.2.3")
        #expect(Set(((json["paths"] as? [String: Any]) ?? [:]).keys) == ["/clock", "/faults/{id}"])
        let components = try #require(json["components"] as? [String: [String: Any]])
        #expect(Set(components["schemas"]?.keys.map { $0 } ?? []) == ["Clock", "Fault"])
        #expect(components["responses"]?["NotFound"] != nil)
        // `parameters` of a path item is not an operation
        #expect(document.operations == ["GET /clock", "DELETE /faults/{id}"])
        let text = String(decoding: document.json, as: UTF8.self)
        #expect(text.firstRange(of: #""components""#)!.lowerBound < text.firstRange(of: #""info""#)!.lowerBound)
        #expect(document.response().headers[.contentType] == "application/json")
    }

    @Test("a path or a component described twice, a broken fragment or an unknown key is an error naming it")
    func refuses() {
        func problem(_ fragments: [String]) -> String? {
            do {
                _ = try OpenAPIDocument(title: "t", version: "1", summary: "s", fragments: fragments)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(problem([Self.clock, Self.clock]) == "fragment 1: path /clock is described twice")
        #expect(
            problem([Self.clock, #"{"components": {"schemas": {"Clock": {}}}}"#])
                == "fragment 1: components.schemas.Clock is described twice")
        #expect(problem([Self.clock, "{\"paths\": "]) == "fragment 1 is not a JSON object")
        #expect(problem([#"{"servers": []}"#]) == "fragment 0: servers is neither paths nor components")
        #expect(problem([#"{"paths": []}"#]) == "fragment 0: paths is not an object")
    }

    @Test("routes and operations are compared both ways, Hummingbird's {name} and :name alike")
    func mismatches() throws {
        let document = try OpenAPIDocument(
            title: "t", version: "1", summary: "s", fragments: [Self.clock, Self.faults])
        #expect(document.mismatches(routes: ["GET /clock", "DELETE /faults/{id}"]).isEmpty)
        #expect(document.mismatches(routes: ["GET /clock", "DELETE /faults/:id"]).isEmpty)
        #expect(
            document.mismatches(routes: ["GET /clock", "POST /clock", "GET /login"], describes: { $0 != "/login" })
                == ["POST /clock is served but not described", "DELETE /faults/{id} is described but not served"])
    }

    @Test("serving on a router checks it: an undescribed route stops the start, naming it and the path")
    func serve() throws {
        let document = try OpenAPIDocument(title: "t", version: "1", summary: "s", fragments: [Self.clock])
        let router = Router()
        router.get("/clock") { _, _ in "now" }
        // the document's own path is served by serve(), and describes leaves it out here
        try document.serve(at: "/openapi.json", on: router, describes: { $0 != "/openapi.json" })
        #expect(router.routes.map(\.description).contains("GET /openapi.json"))
        let other = Router()
        other.get("/clock") { _, _ in "now" }
        other.post("/clock") { _, _ in "set" }
        #expect(
            throws: OpenAPIDocument.Problem(
                description: "the OpenAPI description at /doc.json: GET /doc.json is served but not described; "
                    + "POST /clock is served but not described")
        ) {
            try document.serve(at: "/doc.json", on: other)
        }
        #expect(
            OpenAPIDocument.references([400, 418], names: [400: "BadRequest"])
                == ##""400": {"$ref": "#/components/responses/BadRequest"}, "418": {"$ref": "#/components/responses/Status418"}"##
        )
    }
}
