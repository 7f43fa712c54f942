/// The OpenAPI description of ``AccountsController``'s passkey routes (see ``AuthAPIDocument``).
extension AccountsController {
    static let openAPIPasskeys = #"""
        {
          "paths": {
            "/api/accounts/passkeys/options": {
              "post": {
                "operationId": "passkeyCreationOptions",
                "tags": ["passkeys"],
                "summary": "Options for navigator.credentials.create",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {
                    "description": "The options",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": ["factor_sid", "options"],
                          "properties": {
                            "factor_sid": {"type": "string"},
                            "options": {
                              "type": "object",
                              "required": ["publicKey"],
                              "properties": {"publicKey": {"type": "object"}},
                              "description": "For navigator.credentials, exactly as WebAuthn spells it (camelCase)"
                            }
                          }
                        }
                      }
                    }
                  },
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "409": {"$ref": "#/components/responses/Conflict"},
                  "502": {"$ref": "#/components/responses/BadGateway"},
                  "504": {"$ref": "#/components/responses/GatewayTimeout"}
                }
              }
            },
            "/api/accounts/passkeys": {
              "post": {
                "operationId": "registerPasskey",
                "tags": ["passkeys"],
                "summary": "Adds the passkey the browser created",
                "security": [{"bearer": []}],
                "responses": {
                  "201": {
                    "description": "Added",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PasskeyList"}}}
                  },
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "409": {"$ref": "#/components/responses/Conflict"},
                  "413": {"$ref": "#/components/responses/TooLarge"},
                  "502": {"$ref": "#/components/responses/BadGateway"},
                  "504": {"$ref": "#/components/responses/GatewayTimeout"}
                },
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "type": "object",
                        "description": "The browser's PublicKeyCredential JSON, unchanged",
                        "required": ["id", "response"],
                        "properties": {
                          "id": {"type": "string"},
                          "rawId": {"type": "string"},
                          "type": {"const": "public-key"},
                          "response": {"type": "object"}
                        }
                      }
                    }
                  }
                }
              },
              "get": {
                "operationId": "listPasskeys",
                "tags": ["passkeys"],
                "summary": "The account's passkeys",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {
                    "description": "The account's passkeys",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PasskeyList"}}}
                  },
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/accounts/passkeys/{sid}": {
              "delete": {
                "operationId": "removePasskey",
                "tags": ["passkeys"],
                "summary": "Removes a passkey",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {
                    "description": "The account's passkeys",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PasskeyList"}}}
                  },
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "502": {"$ref": "#/components/responses/BadGateway"},
                  "504": {"$ref": "#/components/responses/GatewayTimeout"}
                },
                "parameters": [
                  {
                    "name": "sid",
                    "in": "path",
                    "required": true,
                    "description": "The passkey's factor SID (YF…)",
                    "schema": {"type": "string"}
                  }
                ]
              }
            },
            "/api/accounts/login/passkey/options": {
              "post": {
                "operationId": "passkeyRequestOptions",
                "tags": ["passkeys"],
                "summary": "Options for navigator.credentials.get: a sign-in without a username",
                "responses": {
                  "200": {
                    "description": "The options",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": ["challenge_sid", "options"],
                          "properties": {
                            "challenge_sid": {"type": "string"},
                            "options": {
                              "type": "object",
                              "required": ["publicKey"],
                              "properties": {"publicKey": {"type": "object"}},
                              "description": "For navigator.credentials, exactly as WebAuthn spells it (camelCase)"
                            }
                          }
                        }
                      }
                    }
                  },
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "429": {"$ref": "#/components/responses/TooManyRequests"},
                  "502": {"$ref": "#/components/responses/BadGateway"},
                  "504": {"$ref": "#/components/responses/GatewayTimeout"}
                }
              }
            },
            "/api/accounts/login/passkey": {
              "post": {
                "operationId": "passkeyLogin",
                "tags": ["passkeys"],
                "summary": "Signs in with the browser's assertion: the same tokens as a password login",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "type": "object",
                        "description": "The browser's PublicKeyCredential JSON, unchanged",
                        "required": ["id", "response"],
                        "properties": {
                          "id": {"type": "string"},
                          "rawId": {"type": "string"},
                          "type": {"const": "public-key"},
                          "response": {"type": "object"}
                        }
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Logged in",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenGrant"}}}
                  },
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "413": {"$ref": "#/components/responses/TooLarge"},
                  "429": {"$ref": "#/components/responses/TooManyRequests"},
                  "502": {"$ref": "#/components/responses/BadGateway"},
                  "504": {"$ref": "#/components/responses/GatewayTimeout"}
                }
              }
            }
          },
          "components": {
            "schemas": {
              "PasskeyList": {
                "type": "object",
                "required": ["passkeys"],
                "properties": {
                  "message": {"type": "string"},
                  "added": {"type": "string", "description": "The SID of the passkey just added"},
                  "passkeys": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "required": ["factor_sid", "name", "created_at"],
                      "properties": {
                        "factor_sid": {"type": "string"},
                        "name": {"type": "string"},
                        "created_at": {"type": "string"}
                      }
                    }
                  }
                }
              }
            }
          }
        }
        """#
}
