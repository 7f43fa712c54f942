import Hummingbird

/// `GET /emulator/v1/outcomes`: the built-in ``OutcomeCatalogue``, so a test (or the README's
/// table, which a test checks against it) reads which numbers do what.
enum OutcomesAPI {
    static func addRoutes(to router: Router<EmulatorRequestContext>) {
        router.get("/emulator/v1/outcomes") { _, _ in try JSONResponse.make(["outcomes": OutcomeCatalogue.all]) }
    }

    static let openAPI = #"""
        {
          "paths": {
            "/emulator/v1/outcomes": {
              "get": {
                "operationId": "listOutcomes", "tags": ["outcomes"],
                "summary": "The built-in outcome catalogue: numbers whose verifications fail or slow down in a known way, ten per outcome, with no fixture or fault rule",
                "responses": {
                  "200": {
                    "description": "The catalogue",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["outcomes"],
                      "properties": {"outcomes": {"type": "array", "items": {
                        "type": "object",
                        "required": ["outcome", "description", "numbers", "on", "http_status", "error_code", "delay_seconds"],
                        "properties": {
                          "outcome": {"type": "string"},
                          "description": {"type": "string"},
                          "numbers": {"type": "array", "minItems": 10, "items": {"type": "string"}},
                          "on": {"type": "string", "enum": ["start", "check", "delivery"]},
                          "http_status": {"type": ["integer", "null"]},
                          "error_code": {"type": ["integer", "null"]},
                          "delay_seconds": {"type": ["number", "null"]}
                        }
                      }}}
                    }}}
                  }
                }
              }
            }
          }
        }
        """#
}
