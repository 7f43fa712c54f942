/// The OpenAPI description of ``AccountsAPI`` (see ``ControlAPIDocument``).
extension AccountsAPI {
    static let openAPI = #"""
        {
          "paths": {
            "/emulator/v1/accounts": {
              "get": {
                "operationId": "listAccounts", "tags": ["accounts"],
                "summary": "The accounts the emulator accepts: the configured ones, then those created at run time",
                "responses": {
                  "200": {
                    "description": "The accounts",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["accounts"],
                      "properties": {"accounts": {"type": "array", "items": {
                        "type": "object", "required": ["account_sid", "friendly_name", "kind"],
                        "properties": {
                          "account_sid": {"type": "string"},
                          "friendly_name": {"type": "string"},
                          "kind": {"type": "string", "enum": ["configured", "runtime"]}
                        }
                      }}}
                    }}}
                  }
                }
              },
              "post": {
                "operationId": "createAccount", "tags": ["accounts"],
                "summary": "A new account with a random SID and auth token and one service, for one parallel test worker; kept across restarts and in snapshots",
                "requestBody": {
                  "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": false,
                    "properties": {"friendly_name": {"type": "string", "minLength": 1, "maxLength": 64, "description": "The account's and its service's name (default: Test worker)"}}
                  }}}
                },
                "responses": {
                  "201": {
                    "description": "The account's credentials and its service",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["account_sid", "auth_token", "service_sid", "friendly_name"],
                      "properties": {
                        "account_sid": {"type": "string", "pattern": "^AC[0-9a-f]{32}$"},
                        "auth_token": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
                        "service_sid": {"type": "string", "pattern": "^VA[0-9a-f]{32}$"},
                        "friendly_name": {"type": "string"}
                      }
                    }}}
                  },
                  \#(ControlAPIDocument.responses(400, 413))
                }
              }
            },
            "/emulator/v1/accounts/{account}": {
              "delete": {
                "operationId": "deleteAccount", "tags": ["accounts"],
                "summary": "Removes an account created at run time with everything it holds (services, verifications, messages, factors) and its own clock",
                "parameters": [{"name": "account", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {
                  "403": {"description": "A configured account, which cannot be deleted", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TwilioError"}}}},
                  \#(ControlAPIDocument.responses(204, 404))
                }
              }
            }
          }
        }
        """#
}
