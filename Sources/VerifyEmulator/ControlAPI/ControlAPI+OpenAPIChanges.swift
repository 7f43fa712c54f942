/// The OpenAPI description of ``ControlAPI``'s routes that change how the emulator behaves:
/// the clock, fixed codes and fault rules (see ``ControlAPIDocument``).
extension ControlAPI {
    static let openAPIClockCodesFaults = #"""
        {
          "paths": {
            "/emulator/v1/clock": {
              "get": {
                "operationId": "readClock", "tags": ["clock"],
                "summary": "The emulator's time: the global clock, or with account_sid that account's own clock",
                "parameters": [{"name": "account_sid", "in": "query", "description": "An account (AC…) whose own clock to read", "schema": {"type": "string", "pattern": "^AC[0-9a-f]{32}$"}}],
                "responses": {
                  "200": {"description": "The clock", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Clock"}}}},
                  \#(ControlAPIDocument.responses(400))
                }
              },
              "post": {
                "operationId": "changeClock", "tags": ["clock"],
                "summary": "Set, advance, freeze or resume the clock; the fields apply in order set, advance_seconds, frozen, and a refused change changes nothing",
                "requestBody": {
                  "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": false,
                    "properties": {
                      "set": {
                        "type": "string", "description": "A UTC time like 2030-01-01T00:00:00Z (a fraction of a second is dropped)",
                        "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?Z$",
                        "examples": ["2030-01-01T00:00:00Z"]
                      },
                      "advance_seconds": {"type": "number", "minimum": -3155760000, "maximum": 3155760000, "examples": [601]},
                      "frozen": {"type": "boolean"},
                      "account_sid": {
                        "type": "string", "pattern": "^AC[0-9a-f]{32}$",
                        "description": "Change only this account's own clock (its codes, send windows, TOTP steps, challenge expiry); it runs at the global clock plus its own offset"
                      }
                    }
                  }}}
                },
                "responses": {
                  "200": {"description": "The clock after the change", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Clock"}}}},
                  \#(ControlAPIDocument.responses(400, 413))
                }
              }
            },
            "/emulator/v1/codes": {
              "get": {
                "operationId": "listFixedCodes", "tags": ["codes"], "summary": "The fixed codes later verifications get",
                "responses": {
                  "200": {
                    "description": "The fixed codes",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["codes"],
                      "properties": {"codes": {"type": "array", "items": {"$ref": "#/components/schemas/FixedCode"}}}
                    }}}
                  }
                }
              },
              "post": {
                "operationId": "setFixedCode", "tags": ["codes"],
                "summary": "Later verifications to `to` (or on `service_sid`, or every one when neither is given) get this code",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FixedCode"}}}},
                "responses": {
                  "201": {"description": "The rule as stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FixedCode"}}}},
                  \#(ControlAPIDocument.responses(400, 413))
                }
              },
              "delete": {
                "operationId": "removeFixedCode", "tags": ["codes"], "summary": "Removes the fixed code of one scope (neither parameter: the global one)",
                "parameters": [{"$ref": "#/components/parameters/to"}, {"$ref": "#/components/parameters/serviceSid"}],
                "responses": {
                  \#(ControlAPIDocument.responses(204, 400, 404))
                }
              }
            },
            "/emulator/v1/faults": {
              "get": {
                "operationId": "listFaults", "tags": ["faults"], "summary": "The fault rules in force, in the order they match",
                "responses": {
                  "200": {
                    "description": "The rules",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["faults"],
                      "properties": {"faults": {"type": "array", "items": {"$ref": "#/components/schemas/FaultRule"}}}
                    }}}
                  }
                }
              },
              "post": {
                "operationId": "addFault", "tags": ["faults"],
                "summary": "Later Twilio API requests the rule matches fail with its error, slow down by its latency, or both (for ever, or the next `times`)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FaultRule"}}}},
                "responses": {
                  "201": {"description": "The rule with its id", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FaultRule"}}}},
                  \#(ControlAPIDocument.responses(400, 413))
                }
              },
              "delete": {
                "operationId": "removeAllFaults", "tags": ["faults"], "summary": "Removes every fault rule",
                "responses": {"204": {"$ref": "#/components/responses/NoContent"}}
              }
            },
            "/emulator/v1/faults/{id}": {
              "delete": {
                "operationId": "removeFault", "tags": ["faults"], "summary": "Removes one fault rule",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {\#(ControlAPIDocument.responses(204, 404))}
              }
            }
          },
          "components": {
            "schemas": {
              "Clock": {
                "type": "object", "required": ["now", "epoch_ms", "frozen", "offset_seconds"],
                "properties": {
                  "now": {"type": "string", "description": "ISO 8601, UTC"},
                  "epoch_ms": {"type": "integer"},
                  "frozen": {"type": "boolean"},
                  "offset_seconds": {"type": "number", "description": "How far the emulator's time is from the machine's"},
                  "account_sid": {"type": "string", "description": "The account whose own clock this is; absent for the global clock"}
                }
              },
              "FixedCode": {
                "type": "object", "required": ["code"], "additionalProperties": false,
                "description": "Scoped to one recipient, one service, or (neither) every verification; not both",
                "not": {"required": ["to", "service_sid"]},
                "properties": {
                  "code": {"type": "string", "pattern": "^[A-Za-z0-9]{4,10}$", "examples": ["123456"]},
                  "to": {"type": "string", "minLength": 1, "examples": ["+15005550006"]},
                  "service_sid": {"$ref": "#/components/schemas/ServiceSID"}
                }
              },
              "FaultRule": {
                "type": "object", "additionalProperties": false,
                "description": "Needs an error, a latency_ms, or both. An error of a code the emulator knows needs no status",
                "anyOf": [{"required": ["error"]}, {"required": ["latency_ms"]}],
                "properties": {
                  "endpoint": {
                    "type": "string",
                    "enum": \#(FaultRule.endpointNames)
                  },
                  "service_sid": {"$ref": "#/components/schemas/ServiceSID"},
                  "to": {"type": "string", "minLength": 1, "description": "Exact, or with * for any characters", "examples": ["+1500555000*"]},
                  "error": {
                    "type": "object", "required": ["code"], "additionalProperties": false,
                    "anyOf": [
                      {"required": ["status"]},
                      {"properties": {"code": {"enum": \#(FaultRule.knownErrors.keys.sorted())}}}
                    ],
                    "properties": {
                      "code": {"type": "integer", "examples": [60410]},
                      "status": {"type": "integer", "minimum": 400, "maximum": 599},
                      "message": {"type": "string"}
                    }
                  },
                  "latency_ms": {"type": "integer", "minimum": 0, "maximum": 60000},
                  "times": {"type": "integer", "minimum": 1, "description": "Match only this many more requests"},
                  "id": {"type": "string", "description": "Set by the emulator"},
                  "description": {"type": "string"},
                  "fraud_guard": {"type": "boolean", "description": "Numbers on the safe list pass the rule (default: for 60410)"}
                }
              }
            }
          }
        }
        """#
}
