import VerifyWire

/// The OpenAPI description of ``ControlAPI``'s reading routes and reset (see
/// ``ControlAPIDocument``); `ControlAPI+OpenAPIChanges.swift` has the clock, codes and faults.
extension ControlAPI {
    static let openAPI = #"""
        {
          "paths": {
            "/emulator/v1/messages": {
              "get": {
                "operationId": "listMessages", "tags": ["inbox"],
                "summary": "The messages the emulator \"sent\", newest first; with `wait`, a long poll for the first match",
                "parameters": [
                  {"$ref": "#/components/parameters/to"},
                  {"$ref": "#/components/parameters/serviceSid"},
                  {"name": "verification_sid", "in": "query", "schema": {"type": "string"}},
                  {"$ref": "#/components/parameters/accountSid"},
                  {"$ref": "#/components/parameters/limit"},
                  {"$ref": "#/components/parameters/pageToken"},
                  {
                    "name": "wait", "in": "query",
                    "description": "When nothing matches yet, wait this long for a match: seconds, or a number with s or ms (5s, 500ms), at most 60s",
                    "schema": {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?(s|ms)?$", "examples": ["5s"]}
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The messages",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["messages", "meta"],
                      "properties": {
                        "messages": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
                        "meta": {"$ref": "#/components/schemas/ControlPageMeta"}
                      }
                    }}}
                  },
                  "400": {"$ref": "#/components/responses/BadRequest"}
                }
              }
            },
            "/emulator/v1/verifications": {
              "get": {
                "operationId": "listVerifications", "tags": ["inbox"],
                "summary": "Every verification, newest first, with its code, attempts and time left",
                "parameters": [
                  {"$ref": "#/components/parameters/serviceSid"},
                  {"$ref": "#/components/parameters/to"},
                  {"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/VerificationStatus"}},
                  {"$ref": "#/components/parameters/accountSid"},
                  {"$ref": "#/components/parameters/limit"},
                  {"$ref": "#/components/parameters/pageToken"}
                ],
                "responses": {
                  "200": {
                    "description": "The verifications",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["verifications", "meta"],
                      "properties": {
                        "verifications": {"type": "array", "items": {"$ref": "#/components/schemas/Verification"}},
                        "meta": {"$ref": "#/components/schemas/ControlPageMeta"}
                      }
                    }}}
                  },
                  "400": {"$ref": "#/components/responses/BadRequest"}
                }
              }
            },
            "/emulator/v1/requests": {
              "get": {
                "operationId": "listRequests", "tags": ["inbox"],
                "summary": "The last Twilio API requests, newest first, each failure with a one-line hint of why",
                "parameters": [
                  {"name": "limit", "in": "query", "description": "How many (default 100)", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
                  {"name": "errors", "in": "query", "description": "Only failed requests", "schema": {"type": "boolean"}}
                ],
                "responses": {
                  "200": {
                    "description": "The requests",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["requests"],
                      "properties": {"requests": {"type": "array", "items": {"$ref": "#/components/schemas/RequestLogEntry"}}}
                    }}}
                  },
                  "400": {"$ref": "#/components/responses/BadRequest"}
                }
              }
            },
            "/emulator/v1/factors": {
              "get": {
                "operationId": "listFactors", "tags": ["factors"],
                "summary": "TOTP factors, newest first, with the code an authenticator app would show now",
                "parameters": [
                  {"$ref": "#/components/parameters/identity"},
                  {"$ref": "#/components/parameters/serviceSid"},
                  {"$ref": "#/components/parameters/accountSid"},
                  {"$ref": "#/components/parameters/limit"},
                  {"$ref": "#/components/parameters/pageToken"}
                ],
                "responses": {
                  "200": {
                    "description": "The factors",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["factors"],
                      "properties": {"factors": {"type": "array", "items": {"$ref": "#/components/schemas/TOTPFactor"}}}
                    }}}
                  },
                  "400": {"$ref": "#/components/responses/BadRequest"}
                }
              }
            },
            "/emulator/v1/webhooks": {
              "get": {
                "operationId": "listWebhookDeliveries", "tags": ["factors"],
                "summary": "The last webhook deliveries (Verify webhooks of factors and challenges), newest first",
                "parameters": [
                  {"name": "limit", "in": "query", "description": "How many (default 50)", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}
                ],
                "responses": {
                  "200": {
                    "description": "The deliveries",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["deliveries"],
                      "properties": {"deliveries": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookDelivery"}}}
                    }}}
                  },
                  "400": {"$ref": "#/components/responses/BadRequest"}
                }
              }
            },
            "/emulator/v1/reset": {
              "post": {
                "operationId": "reset", "tags": ["state"],
                "summary": "Deletes services, verifications and messages (all, or one account's); fixture services come back. A full reset also clears fixed codes, the request log and webhook deliveries",
                "parameters": [{"name": "account_sid", "in": "query", "description": "Reset only this account", "schema": {"$ref": "#/components/schemas/AccountSID"}}],
                "responses": {
                  "200": {
                    "description": "What was reset: `all` or the account",
                    "content": {"application/json": {"schema": {"type": "object", "required": ["reset"], "properties": {"reset": {"type": "string"}}}}}
                  },
                  "400": {"$ref": "#/components/responses/BadRequest"}
                }
              }
            }
          },
          "components": {
            "schemas": {
              "VerificationStatus": {"type": "string", "enum": \#(VerificationStatus.allCases.map(\.rawValue))},
              "Message": {
                "type": "object",
                "required": ["sid", "account_sid", "service_sid", "verification_sid", "to", "channel", "body", "code", "date_created"],
                "properties": {
                  "sid": {"type": "string"}, "account_sid": {"type": "string"}, "service_sid": {"type": "string"},
                  "verification_sid": {"type": "string"}, "to": {"type": "string"}, "channel": {"type": "string"},
                  "body": {"type": "string", "description": "The text as the recipient would read it"},
                  "code": {"type": "string"}, "date_created": {"type": "string"},
                  "messaging_service_sid": {"type": "string", "description": "The Messaging Service the service's messaging configurations name for this number's country"}
                }
              },
              "Verification": {
                "type": "object",
                "required": ["sid", "service_sid", "account_sid", "to", "channel", "status", "code", "check_attempts", "send_attempts", "date_created", "date_updated", "expires_at", "seconds_left"],
                "properties": {
                  "sid": {"type": "string"}, "service_sid": {"type": "string"}, "account_sid": {"type": "string"},
                  "to": {"type": "string"}, "channel": {"type": "string"},
                  "status": {"$ref": "#/components/schemas/VerificationStatus"},
                  "code": {"type": "string"},
                  "check_attempts": {"type": "integer", "minimum": 0}, "send_attempts": {"type": "integer", "minimum": 0},
                  "date_created": {"type": "string"}, "date_updated": {"type": "string"}, "expires_at": {"type": "string"},
                  "seconds_left": {"type": "integer", "minimum": 0, "description": "Until expiry on the emulator's clock; 0 once expired or finished"}
                }
              },
              "RequestLogEntry": {
                "type": "object",
                "required": ["request_id", "method", "path", "status", "date", "duration_ms"],
                "properties": {
                  "request_id": {"type": "string"}, "method": {"type": "string"}, "path": {"type": "string"},
                  "status": {"type": "integer"}, "error_code": {"type": "integer"},
                  "hint": {"type": "string", "description": "Why it failed, in one line"},
                  "to": {"type": "string", "description": "The recipient a verification or check named, as sent"},
                  "date": {"type": "string"}, "duration_ms": {"type": "number", "minimum": 0}
                }
              },
              "TOTPFactor": {
                "type": "object",
                "required": ["sid", "service_sid", "account_sid", "identity", "friendly_name", "factor_type", "status", "code", "seconds_left", "time_step", "pending_challenges"],
                "properties": {
                  "sid": {"type": "string"}, "service_sid": {"type": "string"}, "account_sid": {"type": "string"},
                  "identity": {"type": "string"}, "friendly_name": {"type": "string"},
                  "factor_type": {"type": "string"}, "status": {"type": "string", "enum": \#(FactorStatus.allCases.map(\.rawValue))},
                  "code": {"type": "string", "description": "The code of the current time step"},
                  "seconds_left": {"type": "integer"}, "time_step": {"type": "integer"},
                  "pending_challenges": {"type": "array", "items": {"type": "string"}}
                }
              },
              "WebhookDelivery": {
                "type": "object",
                "required": ["webhook_sid", "url", "type", "parameters", "signature", "attempts", "date"],
                "properties": {
                  "webhook_sid": {"type": "string"}, "url": {"type": "string"}, "type": {"type": "string"},
                  "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
                  "signature": {"type": "string", "description": "The X-Twilio-Signature sent"},
                  "status": {"type": "integer", "description": "The last answer's status; absent when none came"},
                  "error": {"type": "string"}, "attempts": {"type": "integer"}, "date": {"type": "string"}
                }
              }
            }
          }
        }
        """#
}
