/// The OpenAPI description of ``AccountsController``'s registration, login and password
/// routes (see ``AuthAPIDocument``); the second factors and passkeys are in
/// `AccountsController+OpenAPIFactors.swift` and `+OpenAPIPasskeys.swift`.
extension AccountsController {
    static let openAPI = #"""
        {
          "paths": {
            "/api/accounts/register": {
              "post": {
                "operationId": "register", "tags": ["accounts"], "summary": "Creates an account",
                "requestBody": {
                  "required": true,
                  "content": {"application/json": {"schema": {
                    "type": "object", "required": ["username", "email", "password"],
                    "properties": {
                      "username": {"type": "string", "examples": ["ada"]}, "email": {"type": "string", "examples": ["ada@example.com"]},
                      "password": {"type": "string", "examples": ["correct horse battery"]},
                      "password_confirmation": {"type": "string", "description": "Must equal password when given"}
                    }
                  }}}
                },
                "responses": {
                  "201": {"description": "The account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Account"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"}, "409": {"description": "The username or email is taken", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                  \#(AuthAPIDocument.refusals(413, 429))
                }
              }
            },
            "/api/accounts/login": {
              "post": {
                "operationId": "login", "tags": ["accounts"],
                "summary": "Logs in by password: the tokens, or a two-factor challenge that /api/accounts/login/verify completes",
                "requestBody": {
                  "required": true,
                  "content": {"application/json": {"schema": {
                    "type": "object", "required": ["login", "password"],
                    "properties": {
                      "login": {"type": "string", "description": "The username or email (`username` and `email` are read too)"},
                      "password": {"type": "string"}
                    }
                  }}}
                },
                "responses": {
                  "200": {
                    "description": "The tokens, or (`two_factor_required`) the challenge of the second step",
                    "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/TokenGrant"}, {"$ref": "#/components/schemas/TwoFactorChallenge"}]}}}
                  },
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"description": "Wrong username or password", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                  \#(AuthAPIDocument.refusals(403, 413, 429, 502, 504))
                }
              }
            },
            "/api/accounts/login/verify": {
              "post": {
                "operationId": "loginVerify", "tags": ["accounts"],
                "summary": "The second step: a code from one of the challenge's methods (or a recovery code); for push no code, and 202 until the phone approves",
                "requestBody": {
                  "required": true,
                  "content": {"application/json": {"schema": {
                    "type": "object", "required": ["challenge"],
                    "properties": {"challenge": {"type": "string"}, "code": {"type": "string"}, "method": {"$ref": "#/components/schemas/Method"}}
                  }}}
                },
                "responses": {
                  "200": {"description": "Logged in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenGrant"}}}},
                  "202": {"$ref": "#/components/responses/PushPending"},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"description": "An unknown or expired challenge, or a wrong code", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                  \#(AuthAPIDocument.refusals(403, 404, 409)),
                  "410": {"description": "The push request expired", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                  \#(AuthAPIDocument.refusals(413, 429, 502, 504))
                }
              }
            },
            "/api/accounts/login/resend": {
              "post": {
                "operationId": "loginResend", "tags": ["accounts"],
                "summary": "Sends the second step's prompt (again): `sms` texts a code, `push` asks the phone",
                "requestBody": {
                  "required": true,
                  "content": {"application/json": {"schema": {
                    "type": "object", "required": ["challenge"],
                    "properties": {"challenge": {"type": "string"}, "method": {"type": "string", "enum": ["sms", "push"]}}
                  }}}
                },
                "responses": {
                  "200": {"description": "The code is on its way", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CodeSent"}}}},
                  "202": {"$ref": "#/components/responses/PushPending"},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"description": "An unknown or expired challenge", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                  \#(AuthAPIDocument.refusals(404, 409, 413, 429, 502, 504))
                }
              }
            },
            "/api/accounts/password/reset": {
              "post": {
                "operationId": "requestPasswordReset", "tags": ["accounts"],
                "summary": "Emails a reset code when an account uses the address (the answer is the same either way)",
                "requestBody": {
                  "required": true,
                  "content": {"application/json": {"schema": {"type": "object", "required": ["email"], "properties": {"email": {"type": "string"}}}}}
                },
                "responses": {
                  "200": {"description": "Sent if the account exists", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CodeSent"}}}},
                  \#(AuthAPIDocument.refusals(400, 413, 429, 502, 504))
                }
              }
            },
            "/api/accounts/password/reset/confirm": {
              "post": {
                "operationId": "completePasswordReset", "tags": ["accounts"],
                "summary": "Sets a new password with the emailed code; every session and token is revoked",
                "requestBody": {
                  "required": true,
                  "content": {"application/json": {"schema": {
                    "type": "object", "required": ["email", "code", "password"],
                    "properties": {"email": {"type": "string"}, "code": {"type": "string"}, "password": {"type": "string"}, "password_confirmation": {"type": "string"}}
                  }}}
                },
                "responses": {
                  "200": {"description": "Changed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
                  \#(AuthAPIDocument.refusals(400, 413, 429, 502, 504))
                }
              }
            },
            "/api/accounts/me": {
              "get": {
                "operationId": "me", "tags": ["accounts"], "summary": "The signed-in account", "security": [{"bearer": []}],
                "responses": {
                  "200": {"description": "The account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Account"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              },
              "delete": {
                "operationId": "deleteAccount", "tags": ["accounts"],
                "summary": "Deletes the account and everything of it (sessions and tokens end at once, factors on Verify deleted), after a fresh proof",
                "security": [{"bearer": []}],
                "requestBody": {"$ref": "#/components/requestBodies/IdentityProof"},
                "responses": {
                  "200": {"description": "Deleted", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
                  \#(AuthAPIDocument.refusals(400, 401, 403, 409, 413, 429, 502, 504))
                }
              }
            },
            "/api/accounts/password": {
              "post": {
                "operationId": "changePassword", "tags": ["accounts"], "summary": "Changes the password; every session and token is revoked",
                "security": [{"bearer": []}],
                "requestBody": {
                  "required": true,
                  "content": {"application/json": {"schema": {
                    "type": "object", "required": ["current_password", "password"],
                    "properties": {"current_password": {"type": "string"}, "password": {"type": "string"}, "password_confirmation": {"type": "string"}}
                  }}}
                },
                "responses": {
                  "200": {"description": "Changed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
                  \#(AuthAPIDocument.refusals(400, 401, 413, 429))
                }
              }
            }
          },
          "components": {
            "responses": {
              "PushPending": {
                "description": "Waiting for the phone's approval: poll /api/accounts/login/verify with method push",
                "content": {"application/json": {"schema": {
                  "type": "object", "required": ["message", "status"], "properties": {"message": {"type": "string"}, "status": {"const": "pending"}}
                }}}
              }
            },
            "schemas": {
              "Account": {
                "type": "object", "required": ["account_sid", "username", "email", "about", "two_factor_enabled", "methods"],
                "properties": {
                  "account_sid": {"type": "string"}, "username": {"type": "string"}, "email": {"type": "string"}, "about": {"type": "string"},
                  "two_factor_enabled": {"type": "boolean"},
                  "methods": {"type": "array", "items": {"$ref": "#/components/schemas/SecondFactor"}},
                  "phone_number": {"type": "string", "description": "The two-factor number, masked"}
                }
              },
              "TwoFactorChallenge": {
                "type": "object", "required": ["message", "two_factor_required", "challenge", "methods", "sms_sent", "expires_in"],
                "properties": {
                  "message": {"type": "string"}, "two_factor_required": {"const": true}, "challenge": {"type": "string"},
                  "methods": {"type": "array", "items": {"$ref": "#/components/schemas/SecondFactor"}},
                  "phone_number": {"type": "string"}, "sms_sent": {"type": "boolean"}, "push_device": {"type": "string"},
                  "expires_in": {"type": "integer"}
                }
              }
            }
          }
        }
        """#
}
