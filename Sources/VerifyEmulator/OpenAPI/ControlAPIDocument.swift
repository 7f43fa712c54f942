import Hummingbird
import ServerOperations

/// The OpenAPI description of everything the emulator serves besides Twilio's own API (which
/// Twilio's OpenAPI describes): health, metrics, the inbox and the control API, at
/// `GET /emulator/v1/openapi.json`. Each controller describes its routes in a
/// `+OpenAPI.swift` file beside it; this adds what they share (the error body, `limit`); the
/// health routes' description is ServerOperations' own.
enum ControlAPIDocument {
    /// Built once per process, on first use: the same for every server in it (a test suite starts
    /// hundreds), and reading the fragments is the costly part.
    static let built = Result { () throws(OpenAPIDocument.Problem) in try make() }

    static func make() throws(OpenAPIDocument.Problem) -> OpenAPIDocument {
        try OpenAPIDocument(
            title: "verify-emulator control API", version: BuildInfo.version,
            summary: """
                The emulator's own API, for tests and tools: read the codes it "sent", move its clock, \
                fix codes, inject faults, answer push challenges, save and restore snapshots. Open \
                without credentials (the emulator binds to loopback by default); JSON bodies; errors \
                have Twilio's shape. Twilio's Verify v2 API, served under /v2, is described by \
                Twilio's own OpenAPI.
                """,
            fragments: [
                OpenAPIDocument.healthFragment(server: "verify-emulator"), shared, ControlAPI.openAPI,
                ControlAPI.openAPIClockCodesFaults, AccountsAPI.openAPI, HeadlessPasskeysAPI.openAPI,
                OutcomesAPI.openAPI, DevicesAPI.openAPI,
                SnapshotsAPI.openAPI, InboxPage.openAPI, CertificateAuthorityAPI.openAPI,
            ])
    }

    /// Serves the document; called after every other route, so that debug builds (every test)
    /// also check that the document describes exactly the routes there are.
    static func addRoutes(to router: Router<EmulatorRequestContext>) throws {
        try OpenAPIDocument.serve(built: built, at: "/emulator/v1/openapi.json", on: router)
    }

    /// The shared responses of these statuses (see ``OpenAPIDocument/references(_:names:)``).
    static func responses(_ statuses: Int...) -> String {
        OpenAPIDocument.references(statuses, names: responseNames)
    }

    static let responseNames = [204: "NoContent", 400: "BadRequest", 404: "NotFound", 413: "TooLarge"]

    static let shared = #"""
        {
          "paths": {
            "/emulator/v1/openapi.json": {
              "get": {
                "operationId": "openAPI", "tags": ["meta"],
                "summary": "This description",
                "responses": {"200": {"description": "An OpenAPI 3.1 document", "content": {"application/json": {"schema": {"type": "object"}}}}}
              }
            }
          },
          "components": {
            "schemas": {
              "ControlPageMeta": {
                "type": "object", "required": ["page_size", "next_page_url"],
                "properties": {
                  "page_size": {"type": "integer", "description": "The limit this page was read with"},
                  "next_page_url": {"type": ["string", "null"], "description": "The next (older) page, with the same filters and a page_token; null on the last page"}
                }
              },
              "TwilioError": {
                "type": "object",
                "description": "Twilio's error body",
                "required": ["code", "message", "more_info", "status"],
                "properties": {
                  "code": {"type": "integer", "examples": [60200]},
                  "message": {"type": "string"},
                  "more_info": {"type": "string"},
                  "status": {"type": "integer", "minimum": 400, "maximum": 599},
                  "detail": {"type": "string"}
                }
              },
              "ServiceSID": {"type": "string", "pattern": "^VA[0-9a-fA-F]{32}$", "examples": ["VA00000000000000000000000000000000"]},
              "AccountSID": {"type": "string", "pattern": "^AC[0-9a-fA-F]{32}$", "examples": ["AC00000000000000000000000000000000"]}
            },
            "parameters": {
              "limit": {
                "name": "limit", "in": "query", "description": "How many, newest first (default 50)",
                "schema": {"type": "integer", "minimum": 1, "maximum": 1000}
              },
              "serviceSid": {"name": "service_sid", "in": "query", "description": "Only this service (VA…)", "schema": {"type": "string"}},
              "accountSid": {"name": "account_sid", "in": "query", "description": "Only this account (AC…)", "schema": {"type": "string"}},
              "pageToken": {"name": "page_token", "in": "query", "description": "Continues a list after a page: take it from meta.next_page_url, which keeps the filters", "schema": {"type": "string"}},
              "to": {"name": "to", "in": "query", "description": "Only this recipient", "schema": {"type": "string"}},
              "identity": {"name": "identity", "in": "query", "description": "Only this entity identity", "schema": {"type": "string"}}
            },
            "responses": {
              "BadRequest": {
                "description": "A parameter or the body is not what the operation takes; the message names it",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TwilioError"}}}
              },
              "NotFound": {
                "description": "Nothing by that name or id",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TwilioError"}}}
              },
              "NoContent": {"description": "Done; no body"},
              "TooLarge": {
                "description": "The body is larger than the emulator takes (--max-body-size)",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TwilioError"}}}
              }
            }
          }
        }
        """#
}
