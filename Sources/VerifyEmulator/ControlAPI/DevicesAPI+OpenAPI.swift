import VerifyWire

/// The OpenAPI description of ``DevicesAPI`` (virtual push devices and their challenges) and of
/// ``SNAEndpoint`` (see ``ControlAPIDocument``).
extension DevicesAPI {
    static let openAPI = #"""
        {
          "paths": {
            "/emulator/v1/devices": {
              "get": {
                "operationId": "listDevices", "tags": ["push"], "summary": "The virtual devices: push factors whose phone is the emulator",
                "responses": {
                  "200": {
                    "description": "The devices",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["devices"],
                      "properties": {"devices": {"type": "array", "items": {"$ref": "#/components/schemas/VirtualDevice"}}}
                    }}}
                  }
                }
              },
              "post": {
                "operationId": "enrolDevice", "tags": ["push"],
                "summary": "Enrols a verified push factor for `identity` whose phone is the emulator, which can then approve or deny its challenges",
                "requestBody": {
                  "required": true,
                  "content": {"application/json": {"schema": {
                    "type": "object", "required": ["service_sid", "identity"], "additionalProperties": false,
                    "properties": {
                      "service_sid": {"$ref": "#/components/schemas/ServiceSID"},
                      "identity": {
                        "type": "string", "minLength": 8, "maxLength": 64, "pattern": "^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$",
                        "description": "Letters and digits in dash-separated groups (a UUID, a SID, a hash)", "examples": ["user-0042"]
                      },
                      "friendly_name": {"type": "string", "minLength": 1, "maxLength": 64}
                    }
                  }}}
                },
                "responses": {
                  "201": {"description": "The device", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VirtualDevice"}}}},
                  \#(ControlAPIDocument.responses(400, 404, 413))
                }
              }
            },
            "/emulator/v1/challenges": {
              "get": {
                "operationId": "listPushChallenges", "tags": ["push"],
                "summary": "Push challenges, newest first: what the phone would show and the notification Twilio would send",
                "parameters": [
                  {"$ref": "#/components/parameters/identity"},
                  {"$ref": "#/components/parameters/serviceSid"},
                  {"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/ChallengeStatus"}},
                  {"$ref": "#/components/parameters/limit"}
                ],
                "responses": {
                  "200": {
                    "description": "The challenges",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["challenges"],
                      "properties": {"challenges": {"type": "array", "items": {"$ref": "#/components/schemas/PushChallenge"}}}
                    }}}
                  },
                  "400": {"$ref": "#/components/responses/BadRequest"}
                }
              }
            },
            "/emulator/v1/challenges/{challenge}/approve": {
              "post": {
                "operationId": "approvePushChallenge", "tags": ["push"], "summary": "A virtual device approves the challenge, as a user tapping Approve",
                "parameters": [{"$ref": "#/components/parameters/challenge"}],
                "responses": {
                  "200": {"$ref": "#/components/responses/AnsweredChallenge"}, \#(ControlAPIDocument.responses(400, 404)),
                  "409": {"$ref": "#/components/responses/NotVirtual"}
                }
              }
            },
            "/emulator/v1/challenges/{challenge}/deny": {
              "post": {
                "operationId": "denyPushChallenge", "tags": ["push"], "summary": "A virtual device denies the challenge",
                "parameters": [{"$ref": "#/components/parameters/challenge"}],
                "responses": {
                  "200": {"$ref": "#/components/responses/AnsweredChallenge"}, \#(ControlAPIDocument.responses(400, 404)),
                  "409": {"$ref": "#/components/responses/NotVirtual"}
                }
              }
            },
            "/emulator/v1/sna/{attempt}/{token}": {
              "get": {
                "operationId": "openSNAURL", "tags": ["sna"],
                "summary": "The Silent Network Auth URL of a verification, as a phone opens it over mobile data; a later check with no code then approves",
                "parameters": [{"$ref": "#/components/parameters/snaAttempt"}, {"$ref": "#/components/parameters/snaToken"}],
                "responses": {"200": {"$ref": "#/components/responses/SNAOutcome"}}
              },
              "post": {
                "operationId": "postSNAURL", "tags": ["sna"], "summary": "As GET",
                "parameters": [{"$ref": "#/components/parameters/snaAttempt"}, {"$ref": "#/components/parameters/snaToken"}],
                "responses": {"200": {"$ref": "#/components/responses/SNAOutcome"}}
              }
            }
          },
          "components": {
            "parameters": {
              "challenge": {"name": "challenge", "in": "path", "required": true, "description": "The challenge's SID (YC…)", "schema": {"type": "string"}},
              "snaAttempt": {"name": "attempt", "in": "path", "required": true, "description": "The attempt's SID (VL…)", "schema": {"type": "string"}},
              "snaToken": {"name": "token", "in": "path", "required": true, "schema": {"type": "string"}}
            },
            "responses": {
              "AnsweredChallenge": {
                "description": "The challenge, answered",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushChallenge"}}}
              },
              "NotVirtual": {
                "description": "The challenge's factor is a real device's: only its phone can sign the answer",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TwilioError"}}}
              },
              "SNAOutcome": {
                "description": "As Twilio's SNA endpoint answers: `ErrorCode=0&ErrorDescription=Success&Carrier=EMU`, or an SNA error code for a used, expired or unknown URL",
                "content": {"text/plain": {"schema": {"type": "string", "pattern": "^ErrorCode=[0-9]+&"}}}
              }
            },
            "schemas": {
              "ChallengeStatus": {"type": "string", "enum": \#(ChallengeStatus.allCases.map(\.rawValue))},
              "VirtualDevice": {
                "type": "object",
                "required": ["factor_sid", "credential_sid", "service_sid", "account_sid", "identity", "friendly_name", "status"],
                "properties": {
                  "factor_sid": {"type": "string"}, "credential_sid": {"type": "string"}, "service_sid": {"type": "string"},
                  "account_sid": {"type": "string"}, "identity": {"type": "string"}, "friendly_name": {"type": "string"},
                  "status": {"type": "string", "enum": \#(FactorStatus.allCases.map(\.rawValue))}
                }
              },
              "PushChallenge": {
                "type": "object",
                "required": ["sid", "factor_sid", "service_sid", "account_sid", "identity", "status", "message", "fields", "expiration_date", "virtual_device", "notification", "notifications_sent"],
                "properties": {
                  "sid": {"type": "string"}, "factor_sid": {"type": "string"}, "service_sid": {"type": "string"},
                  "account_sid": {"type": "string"}, "identity": {"type": "string"},
                  "status": {"$ref": "#/components/schemas/ChallengeStatus"},
                  "message": {"type": "string"},
                  "fields": {"type": "array", "items": {"type": "object", "properties": {"label": {"type": "string"}, "value": {"type": "string"}}}},
                  "expiration_date": {"type": "string"},
                  "virtual_device": {"type": "boolean", "description": "Whether the emulator can answer it"},
                  "notification": {"type": "object", "additionalProperties": {"type": "string"}, "description": "The push notification's data"},
                  "notifications_sent": {"type": "integer", "minimum": 0}
                }
              }
            }
          }
        }
        """#
}
