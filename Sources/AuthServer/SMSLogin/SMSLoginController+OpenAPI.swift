/// The OpenAPI description of ``SMSLoginController`` (see ``AuthAPIDocument``).
extension SMSLoginController {
    static let openAPI = #"""
        {
          "paths": {
            "/api/auth/send-verification": {
              "post": {
                "operationId": "sendVerification", "tags": ["sms login"], "summary": "Texts a login code to the number",
                "description": "The SMS gate answers before Twilio is asked: 403 for a number in a country SMS_ALLOWED_COUNTRIES does not serve; 429 with Retry-After for a limit (per number, per IP, per prefix, for the service) or while the country's pumping breaker is open.",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PhoneNumberBody"}}}},
                "responses": {
                  "200": {"description": "The code is on its way", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CodeSent"}}}},
                  \#(AuthAPIDocument.refusals(400, 403, 413, 429, 502, 504))
                }
              }
            },
            "/api/auth/verify-code": {
              "post": {
                "operationId": "verifyCode", "tags": ["sms login"], "summary": "Logs in with the texted code: the tokens",
                "requestBody": {
                  "required": true,
                  "content": {"application/json": {"schema": {
                    "type": "object", "required": ["phone_number", "code"],
                    "properties": {
                      "phone_number": {"type": "string", "examples": ["+14155550100"]},
                      "code": {"type": "string", "pattern": "^[A-Za-z0-9]{4,10}$", "examples": ["123456"]}
                    }
                  }}}
                },
                "responses": {
                  "200": {"description": "Logged in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenGrant"}}}},
                  "400": {
                    "description": "A wrong code (`authenticated: false` with the verification's status), or a body that is not what the route takes",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["message"],
                      "properties": {"message": {"type": "string"}, "authenticated": {"const": false}, "status": {"type": "string"}, "errors": {"type": "object"}}
                    }}}
                  },
                  \#(AuthAPIDocument.refusals(403, 413, 429, 502, 504))
                }
              }
            },
            "/api/auth/protected": {
              "get": {
                "operationId": "protected", "tags": ["sms login"], "summary": "Whom the token names (phone-number and account tokens)",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {
                    "description": "The token's subject",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["message"],
                      "properties": {"message": {"type": "string"}, "phone_number": {"type": "string"}, "account_sid": {"type": "string"}, "username": {"type": "string"}}
                    }}}
                  },
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/auth/me": {
              "delete": {
                "operationId": "deletePhoneLogin", "tags": ["sms login"],
                "summary": "A phone login deletes itself with a new code (sent by send-verification): every session ends at once",
                "security": [{"bearer": []}],
                "requestBody": {"content": {"application/json": {"schema": {
                  "type": "object", "properties": {"code": {"type": "string", "description": "A code just sent to the number"}}
                }}}},
                "responses": {
                  "200": {"description": "Deleted", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
                  \#(AuthAPIDocument.refusals(400, 401, 403, 413, 429, 502, 504))
                }
              }
            }
          },
          "components": {
            "schemas": {
              "PhoneNumberBody": {
                "type": "object", "required": ["phone_number"],
                "properties": {"phone_number": {"type": "string", "description": "E.164, or national with spaces and dashes", "examples": ["+14155550100"]}}
              }
            }
          }
        }
        """#
}
