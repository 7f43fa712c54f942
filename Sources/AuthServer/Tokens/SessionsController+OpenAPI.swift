/// The OpenAPI description of ``SessionsController`` (see ``AuthAPIDocument``).
extension SessionsController {
    static let openAPI = #"""
        {
          "paths": {
            "/api/auth/sessions": {
              "get": {
                "operationId": "listSessions", "tags": ["tokens"],
                "summary": "The caller's signed-in devices (refresh-token families), the most recently used first",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {"description": "The sessions", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["sessions"],
                    "properties": {"sessions": {"type": "array", "items": {"$ref": "#/components/schemas/DeviceSession"}}}
                  }}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              },
              "delete": {
                "operationId": "endOtherSessions", "tags": ["tokens"],
                "summary": "Logs out everywhere else: every session but the caller's ends, its access tokens refused at once",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {"description": "How many ended", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionsEnded"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/auth/sessions/{id}": {
              "delete": {
                "operationId": "endSession", "tags": ["tokens"],
                "summary": "Ends one of the caller's sessions: its refresh token and access tokens stop working at once",
                "security": [{"bearer": []}],
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {
                  "200": {"description": "Ended", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionsEnded"}}}},
                  \#(AuthAPIDocument.refusals(401, 404))
                }
              }
            }
          },
          "components": {
            "schemas": {
              "DeviceSession": {
                "type": "object", "required": ["id", "created_at", "last_used_at", "current"],
                "properties": {
                  "id": {"type": "string"}, "created_at": {"type": "number"}, "last_used_at": {"type": "number"},
                  "ip": {"type": ["string", "null"]}, "user_agent": {"type": ["string", "null"]},
                  "current": {"type": "boolean", "description": "Whether the asking access token belongs to it"}
                }
              },
              "SessionsEnded": {"type": "object", "required": ["ended"], "properties": {"ended": {"type": "integer"}}}
            }
          }
        }
        """#
}
