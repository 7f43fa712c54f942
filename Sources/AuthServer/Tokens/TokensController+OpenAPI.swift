/// The OpenAPI description of ``TokensController`` (see ``AuthAPIDocument``).
extension TokensController {
    static let openAPI = #"""
        {
          "paths": {
            "/api/auth/refresh": {
              "post": {
                "operationId": "refresh", "tags": ["tokens"],
                "summary": "Rotates the refresh token and issues a new access token; a token used twice revokes its whole family",
                "requestBody": {
                  "required": true,
                  "content": {"application/json": {"schema": {
                    "type": "object", "required": ["refresh_token"], "properties": {"refresh_token": {"type": "string"}}
                  }}}
                },
                "responses": {
                  "200": {"description": "New tokens", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenGrant"}}}},
                  \#(AuthAPIDocument.refusals(400, 401, 413))
                }
              }
            },
            "/api/auth/logout": {
              "post": {
                "operationId": "logout", "tags": ["tokens"],
                "summary": "Revokes the token's refresh-token family and denylists the access token until it expires",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {"description": "Logged out", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/.well-known/jwks.json": {
              "get": {
                "operationId": "jwks", "tags": ["tokens"], "summary": "The public keys access tokens are signed with (a JWKS)",
                "responses": {
                  "200": {
                    "description": "The keys",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["keys"],
                      "properties": {"keys": {"type": "array", "items": {"type": "object", "required": ["kty", "kid"], "additionalProperties": {"type": "string"}}}}
                    }}}
                  }
                }
              }
            }
          }
        }
        """#
}
