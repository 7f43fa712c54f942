/// The OpenAPI description of ``AccountsController``'s passkey routes (see ``AuthAPIDocument``).
extension AccountsController {
    static let openAPIPasskeys = #"""
        {
          "paths": {
            "/api/accounts/passkeys/options": {
              "post": {
                "operationId": "passkeyCreationOptions", "tags": ["passkeys"], "security": [{"bearer": []}],
                "summary": "Options for navigator.credentials.create",
                "responses": {
                  "200": {"description": "The options", "content": {"application/json": {"schema": {
                    "allOf": [{"$ref": "#/components/schemas/PasskeyOptions"}],
                    "required": ["factor_sid"], "properties": {"factor_sid": {"type": "string"}}
                  }}}},
                  \#(AuthAPIDocument.refusals(400, 401, 403, 404, 409, 413, 429, 502, 504))
                },
                "requestBody": {"$ref": "#/components/requestBodies/IdentityProof"}
              }
            },
            "/api/accounts/passkeys": {
              "post": {
                "operationId": "registerPasskey", "tags": ["passkeys"], "security": [{"bearer": []}],
                "summary": "Adds the passkey the browser created",
                "requestBody": {"$ref": "#/components/requestBodies/PublicKeyCredential"},
                "responses": {
                  "201": {"description": "Added", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PasskeyList"}}}},
                  \#(AuthAPIDocument.refusals(400, 401, 404, 409, 413, 502, 504))
                }
              },
              "get": {
                "operationId": "listPasskeys", "tags": ["passkeys"], "security": [{"bearer": []}],
                "summary": "The account's passkeys",
                "responses": {"200": {"$ref": "#/components/responses/PasskeyList"}, \#(AuthAPIDocument.refusals(401))}
              }
            },
            "/api/accounts/passkeys/{sid}": {
              "delete": {
                "operationId": "removePasskey", "tags": ["passkeys"], "security": [{"bearer": []}],
                "summary": "Removes a passkey",
                "parameters": [
                  {"name": "sid", "in": "path", "required": true, "description": "The passkey's factor SID (YF…)", "schema": {"type": "string"}}
                ],
                "requestBody": {"$ref": "#/components/requestBodies/IdentityProof"},
                "responses": {"200": {"$ref": "#/components/responses/PasskeyList"}, \#(AuthAPIDocument.refusals(400, 401, 403, 404, 409, 413, 429, 502, 504))}
              }
            },
            "/api/accounts/login/passkey/options": {
              "post": {
                "operationId": "passkeyRequestOptions", "tags": ["passkeys"],
                "summary": "Options for navigator.credentials.get: a sign-in without a username",
                "responses": {
                  "200": {"description": "The options", "content": {"application/json": {"schema": {
                    "allOf": [{"$ref": "#/components/schemas/PasskeyOptions"}],
                    "required": ["challenge_sid"], "properties": {"challenge_sid": {"type": "string"}}
                  }}}},
                  \#(AuthAPIDocument.refusals(404, 429, 502, 504))
                }
              }
            },
            "/api/accounts/login/passkey": {
              "post": {
                "operationId": "passkeyLogin", "tags": ["passkeys"],
                "summary": "Signs in with the browser's assertion: the same tokens as a password login",
                "requestBody": {"$ref": "#/components/requestBodies/PublicKeyCredential"},
                "responses": {
                  "200": {"description": "Logged in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenGrant"}}}},
                  \#(AuthAPIDocument.refusals(400, 401, 403, 404, 413, 429, 502, 504))
                }
              }
            }
          },
          "components": {
            "requestBodies": {
              "PublicKeyCredential": {
                "required": true,
                "content": {"application/json": {"schema": {
                  "type": "object", "description": "The browser's PublicKeyCredential JSON, unchanged",
                  "required": ["id", "response"],
                  "properties": {"id": {"type": "string"}, "rawId": {"type": "string"}, "type": {"const": "public-key"}, "response": {"type": "object"}}
                }}}
              }
            },
            "responses": {
              "PasskeyList": {"description": "The account's passkeys", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PasskeyList"}}}}
            },
            "schemas": {
              "PasskeyOptions": {
                "type": "object", "required": ["options"],
                "properties": {
                  "options": {
                    "type": "object", "required": ["publicKey"], "properties": {"publicKey": {"type": "object"}},
                    "description": "For navigator.credentials, exactly as WebAuthn spells it (camelCase)"
                  }
                }
              },
              "PasskeyList": {
                "type": "object", "required": ["passkeys"],
                "properties": {
                  "message": {"type": "string"},
                  "added": {"type": "string", "description": "The SID of the passkey just added"},
                  "passkeys": {"type": "array", "items": {
                    "type": "object", "required": ["factor_sid", "name", "created_at"],
                    "properties": {"factor_sid": {"type": "string"}, "name": {"type": "string"}, "created_at": {"type": "string"}}
                  }}
                }
              }
            }
          }
        }
        """#
}
