/// The OpenAPI description of ``AccountsController``'s second factors (see ``AuthAPIDocument``);
/// passkeys are in `AccountsController+OpenAPIPasskeys.swift`.
extension AccountsController {
    static let openAPITwoFactor = #"""
        {
          "paths": {
            "/api/accounts/2fa/enable": {
              "post": {
                "operationId": "enableSMS",
                "tags": ["second factors"],
                "summary": "Texts a code to the number that will receive login codes",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {
                    "description": "The code is on its way",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CodeSent"}}}
                  },
                  \#(AuthAPIDocument.refusals(400, 401, 403, 409, 413, 429, 502, 504))
                },
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "type": "object",
                        "required": ["phone_number"],
                        "properties": {
                          "phone_number": {"type": "string", "examples": ["+14155550100"]},
                          "current_password": {"type": "string"}, "code": {"type": "string"},
                          "method": {"$ref": "#/components/schemas/Method"}
                        }
                      }
                    }
                  }
                }
              }
            },
            "/api/accounts/2fa/enable/verify": {
              "post": {
                "operationId": "confirmSMS",
                "tags": ["second factors"],
                "summary": "Turns SMS on with the texted code",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {"$ref": "#/components/responses/TwoFactorState"},
                  \#(AuthAPIDocument.refusals(400, 401, 409, 413, 429, 502, 504))
                },
                "requestBody": {"$ref": "#/components/requestBodies/Code"}
              }
            },
            "/api/accounts/2fa/disable": {
              "post": {
                "operationId": "disableSMS",
                "tags": ["second factors"],
                "summary": "Texts a code that confirms turning SMS off",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {
                    "description": "The code is on its way",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CodeSent"}}}
                  },
                  \#(AuthAPIDocument.refusals(401, 409, 429, 502, 504))
                }
              }
            },
            "/api/accounts/2fa/disable/verify": {
              "post": {
                "operationId": "confirmDisableSMS",
                "tags": ["second factors"],
                "summary": "Turns SMS off with the texted code",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {"$ref": "#/components/responses/TwoFactorState"},
                  \#(AuthAPIDocument.refusals(400, 401, 409, 413, 429, 502, 504))
                },
                "requestBody": {"$ref": "#/components/requestBodies/Code"}
              }
            },
            "/api/accounts/2fa/totp": {
              "post": {
                "operationId": "startTOTP",
                "tags": ["second factors"],
                "summary": "A new authenticator-app factor: show `uri` as a QR code (and `secret` for typing in), then confirm with a first code",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {
                    "description": "The factor to set up",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TOTPEnrolment"}}}
                  },
                  \#(AuthAPIDocument.refusals(400, 401, 403, 409, 413, 429, 502, 504))
                },
                "requestBody": {"$ref": "#/components/requestBodies/IdentityProof"}
              },
              "delete": {
                "operationId": "removeTOTP",
                "tags": ["second factors"],
                "summary": "Removes the authenticator app, with a fresh code from it (the default method), from SMS, or a recovery code",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {"$ref": "#/components/responses/TwoFactorState"},
                  \#(AuthAPIDocument.refusals(400, 401, 403, 409, 413, 429, 502, 504))
                },
                "requestBody": {"$ref": "#/components/requestBodies/CodeAndMethod"}
              }
            },
            "/api/accounts/2fa/totp/verify": {
              "post": {
                "operationId": "confirmTOTP",
                "tags": ["second factors"],
                "summary": "Turns the authenticator app on with its first code",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {"$ref": "#/components/responses/TwoFactorState"},
                  \#(AuthAPIDocument.refusals(400, 401, 409, 413, 429, 502, 504))
                },
                "requestBody": {"$ref": "#/components/requestBodies/Code"}
              }
            },
            "/api/accounts/2fa/push": {
              "post": {
                "operationId": "startPush",
                "tags": ["second factors"],
                "summary": "What the phone app enrols its push factor with (the Verify Push SDK's payload)",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {
                    "description": "The enrolment",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushEnrolment"}}}
                  },
                  \#(AuthAPIDocument.refusals(400, 401, 403, 404, 409, 413, 429, 502, 504))
                },
                "requestBody": {"$ref": "#/components/requestBodies/IdentityProof"}
              },
              "delete": {
                "operationId": "removePush",
                "tags": ["second factors"],
                "summary": "Removes push approval, with a code from another factor or a recovery code",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {"$ref": "#/components/responses/TwoFactorState"},
                  \#(AuthAPIDocument.refusals(400, 401, 403, 404, 409, 413, 429, 502, 504))
                },
                "requestBody": {"$ref": "#/components/requestBodies/CodeAndMethod"}
              }
            },
            "/api/accounts/2fa/push/verify": {
              "post": {
                "operationId": "confirmPush",
                "tags": ["second factors"],
                "summary": "Turns push approval on once the app enrolled its factor",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {"$ref": "#/components/responses/TwoFactorState"},
                  \#(AuthAPIDocument.refusals(401, 404, 409, 502, 504))
                }
              }
            },
            "/api/accounts/2fa/recovery-codes": {
              "post": {
                "operationId": "regenerateRecoveryCodes",
                "tags": ["second factors"],
                "summary": "A new set of recovery codes (the old set stops working), with a code from a factor or a recovery code",
                "security": [{"bearer": []}],
                "responses": {
                  "200": {
                    "description": "The new codes, shown this once",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RecoveryCodes"}}}
                  },
                  \#(AuthAPIDocument.refusals(400, 401, 403, 409, 413, 429, 502, 504))
                },
                "requestBody": {"$ref": "#/components/requestBodies/CodeAndMethod"}
              }
            }
          },
          "components": {
            "requestBodies": {
              "Code": {
                "required": true,
                "content": {"application/json": {"schema": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}}}}
              },
              "CodeAndMethod": {
                "description": "The proof of a sensitive change: a code with its method, or current_password",
                "required": true,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IdentityProof"}}}
              },
              "IdentityProof": {
                "description": "The proof a change that adds or removes a sign-in method needs: current_password, or a code with its method; without it the answer is 403",
                "required": false,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IdentityProof"}}}
              }
            },
            "responses": {
              "TwoFactorState": {
                "description": "The second factors now on (and, once, the recovery codes this change issued)",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TwoFactorState"}}}
              }
            },
            "schemas": {
              "IdentityProof": {
                "type": "object",
                "properties": {
                  "current_password": {"type": "string"}, "code": {"type": "string"},
                  "method": {"$ref": "#/components/schemas/Method"}
                }
              },
              "TwoFactorState": {
                "type": "object",
                "required": ["message", "two_factor_enabled", "methods"],
                "properties": {
                  "message": {"type": "string"},
                  "two_factor_enabled": {"type": "boolean"},
                  "methods": {"type": "array", "items": {"$ref": "#/components/schemas/SecondFactor"}},
                  "recovery_codes": {"type": "array", "items": {"type": "string"}}
                }
              },
              "TOTPEnrolment": {
                "type": "object",
                "required": ["factor_sid", "secret", "uri"],
                "properties": {
                  "factor_sid": {"type": "string"},
                  "secret": {"type": "string", "description": "Base32"},
                  "uri": {"type": "string", "description": "otpauth://totp/… for a QR code"}
                }
              },
              "PushEnrolment": {
                "type": "object",
                "required": ["token", "service_sid", "identity", "factor_type", "ttl"],
                "properties": {
                  "token": {"type": "string", "description": "A Verify access token for the app"},
                  "service_sid": {"type": "string"},
                  "identity": {"type": "string"},
                  "factor_type": {"const": "push"},
                  "factor_friendly_name": {"type": "string"},
                  "ttl": {"type": "integer"}
                }
              },
              "RecoveryCodes": {
                "type": "object",
                "required": ["message", "recovery_codes"],
                "properties": {
                  "message": {"type": "string"},
                  "recovery_codes": {"type": "array", "items": {"type": "string"}}
                }
              }
            }
          }
        }
        """#
}
