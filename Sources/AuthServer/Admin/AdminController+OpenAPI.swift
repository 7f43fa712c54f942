/// The OpenAPI description of ``AdminController`` (see ``AuthAPIDocument``).
extension AdminController {
    static let openAPI = #"""
        {
          "paths": {
            "/api/admin/accounts": {
              "get": {
                "operationId": "adminSearchAccounts", "tags": ["admin"],
                "summary": "Accounts whose username, email or 2FA phone contains q (any case), oldest first",
                "security": [{"admin": []}],
                "parameters": [
                  {"name": "q", "in": "query", "schema": {"type": "string"}},
                  {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}}
                ],
                "responses": {
                  "200": {"description": "The accounts", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["accounts"],
                    "properties": {"accounts": {"type": "array", "items": {"$ref": "#/components/schemas/AdminAccount"}}}
                  }}}},
                  \#(AuthAPIDocument.refusals(400, 401, 404))
                }
              }
            },
            "/api/admin/accounts/{id}": {
              "parameters": [{"$ref": "#/components/parameters/AdminAccountID"}],
              "get": {
                "operationId": "adminShowAccount", "tags": ["admin"],
                "summary": "One account with its factors, passkeys, recovery codes left and device sessions",
                "security": [{"admin": []}],
                "responses": {
                  "200": {"description": "The account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminAccount"}}}},
                  \#(AuthAPIDocument.refusals(401, 404))
                }
              },
              "delete": {
                "operationId": "adminDeleteAccount", "tags": ["admin"],
                "summary": "Deletes the account and everything of it, its Verify entity first",
                "security": [{"admin": []}],
                "responses": {
                  "200": {"description": "Deleted", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
                  \#(AuthAPIDocument.refusals(401, 404, 502, 504))
                }
              }
            },
            "/api/admin/accounts/{id}/disable": {
              "parameters": [{"$ref": "#/components/parameters/AdminAccountID"}],
              "post": {
                "operationId": "adminDisableAccount", "tags": ["admin"],
                "summary": "Disables the account: no login, every session and token refused at once on every replica",
                "security": [{"admin": []}],
                "responses": {
                  "200": {"description": "The account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminAccount"}}}},
                  \#(AuthAPIDocument.refusals(401, 404))
                }
              }
            },
            "/api/admin/accounts/{id}/enable": {
              "parameters": [{"$ref": "#/components/parameters/AdminAccountID"}],
              "post": {
                "operationId": "adminEnableAccount", "tags": ["admin"], "summary": "Enables a disabled account",
                "security": [{"admin": []}],
                "responses": {
                  "200": {"description": "The account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminAccount"}}}},
                  \#(AuthAPIDocument.refusals(401, 404))
                }
              }
            },
            "/api/admin/accounts/{id}/sessions": {
              "parameters": [{"$ref": "#/components/parameters/AdminAccountID"}],
              "delete": {
                "operationId": "adminEndSessions", "tags": ["admin"],
                "summary": "Signs the account out everywhere: web sessions, refresh tokens and access tokens",
                "security": [{"admin": []}],
                "responses": {
                  "200": {"description": "How many device sessions were live", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["ended"], "properties": {"ended": {"type": "integer"}}
                  }}}},
                  \#(AuthAPIDocument.refusals(401, 404))
                }
              }
            },
            "/api/admin/accounts/{id}/factors": {
              "parameters": [{"$ref": "#/components/parameters/AdminAccountID"}],
              "delete": {
                "operationId": "adminRemoveFactors", "tags": ["admin"],
                "summary": "Removes every second factor (on Verify too) and the recovery codes, for an owner who lost them all",
                "security": [{"admin": []}],
                "responses": {
                  "200": {"description": "The factors removed", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["removed"],
                    "properties": {"removed": {"type": "array", "items": {"enum": ["totp", "push", "sms", "passkey"]}}}
                  }}}},
                  \#(AuthAPIDocument.refusals(401, 404, 502, 504))
                }
              }
            },
            "/api/admin/audit": {
              "get": {
                "operationId": "adminAudit", "tags": ["admin"],
                "summary": "Security events, newest first",
                "security": [{"admin": []}],
                "parameters": [
                  {"name": "subject", "in": "query", "description": "An account sid or a phone login's number", "schema": {"type": "string"}},
                  {"name": "type", "in": "query", "description": "Event types, comma-separated", "schema": {"type": "string"}},
                  {"name": "since", "in": "query", "description": "Unix seconds or ISO 8601", "schema": {"type": "string"}},
                  {"name": "until", "in": "query", "description": "Unix seconds or ISO 8601 (before)", "schema": {"type": "string"}},
                  {"name": "before", "in": "query", "description": "Events older than this id (next_before of the page before)", "schema": {"type": "integer"}},
                  {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}}
                ],
                "responses": {
                  "200": {"description": "The events", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["events"],
                    "properties": {
                      "events": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEvent"}},
                      "next_before": {"type": "integer"}
                    }
                  }}}},
                  \#(AuthAPIDocument.refusals(400, 401, 404))
                }
              }
            },
            "/api/admin/clients": {
              "get": {
                "operationId": "adminListClients", "tags": ["admin"],
                "summary": "The OpenID Connect clients: those of OAUTH_CLIENTS_FILE, then those registered here",
                "security": [{"admin": []}],
                "responses": {
                  "200": {"description": "The clients", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["clients"],
                    "properties": {"clients": {"type": "array", "items": {"$ref": "#/components/schemas/AdminClient"}}}
                  }}}},
                  \#(AuthAPIDocument.refusals(401, 404))
                }
              },
              "post": {
                "operationId": "adminRegisterClient", "tags": ["admin"],
                "summary": "Registers a client, on every replica at once; a confidential client without a secret gets one, shown only in this answer",
                "security": [{"admin": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                  "type": "object", "required": ["client_id", "redirect_uris"], "additionalProperties": false,
                  "properties": {
                    "client_id": {"type": "string", "pattern": "^[A-Za-z0-9._~-]{1,100}$"},
                    "name": {"type": "string", "minLength": 1},
                    "public": {"type": "boolean", "description": "A browser or native app: no secret, PKCE required"},
                    "client_secret": {"type": "string", "minLength": 32, "maxLength": 72, "description": "Kept only as its bcrypt hash"},
                    "client_secret_hash": {"type": "string", "description": "bcrypt (auth-server hash-client-secret)"},
                    "redirect_uris": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                    "post_logout_redirect_uris": {"type": "array", "items": {"type": "string"}},
                    "scopes": {"type": "array", "items": {"enum": \#(OAuthScope.openAPIEnum)}},
                    "id_token_signed_response_alg": {"enum": ["RS256", "ES256", "EdDSA"]}
                  }
                }}}},
                "responses": {
                  "201": {"description": "Registered", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminClient"}}}},
                  \#(AuthAPIDocument.refusals(400, 401, 404, 409, 413))
                }
              }
            },
            "/api/admin/clients/{client_id}": {
              "parameters": [{"name": "client_id", "in": "path", "required": true, "schema": {"type": "string"}}],
              "get": {
                "operationId": "adminShowClient", "tags": ["admin"], "summary": "One client",
                "security": [{"admin": []}],
                "responses": {
                  "200": {"description": "The client", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminClient"}}}},
                  \#(AuthAPIDocument.refusals(401, 404))
                }
              },
              "delete": {
                "operationId": "adminRemoveClient", "tags": ["admin"],
                "summary": "Removes a client registered here: its codes go and every session it was issued ends at once, on every replica",
                "security": [{"admin": []}],
                "responses": {
                  "200": {"description": "How many of its sessions were live", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["ended"], "properties": {"ended": {"type": "integer"}}
                  }}}},
                  \#(AuthAPIDocument.refusals(401, 404, 409))
                }
              }
            },
            "/api/admin/webhooks": {
              "get": {
                "operationId": "adminWebhooks", "tags": ["admin"],
                "summary": "The latest webhook messages and what became of each (pending, delivered, failed)",
                "security": [{"admin": []}],
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}}],
                "responses": {
                  "200": {"description": "The deliveries", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["configured", "deliveries"],
                    "properties": {
                      "configured": {"type": "boolean"}, "url": {"type": "string"},
                      "deliveries": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookDelivery"}}
                    }
                  }}}},
                  \#(AuthAPIDocument.refusals(400, 401, 404))
                }
              }
            }
          },
          "components": {
            "securitySchemes": {
              "admin": {"type": "http", "scheme": "bearer", "description": "ADMIN_TOKEN; without it the admin API answers 404"}
            },
            "parameters": {
              "AdminAccountID": {"name": "id", "in": "path", "required": true, "description": "The account's sid (US…), username or email", "schema": {"type": "string"}}
            },
            "schemas": {
              "AdminAccount": {
                "type": "object", "required": ["account_sid", "username", "email", "disabled", "created_at", "methods"],
                "properties": {
                  "account_sid": {"type": "string"}, "username": {"type": "string"}, "email": {"type": "string"},
                  "phone_number": {"type": "string"}, "disabled": {"type": "boolean"}, "disabled_at": {"type": "number"},
                  "created_at": {"type": "number"}, "methods": {"type": "array", "items": {"enum": ["totp", "push", "sms"]}},
                  "passkeys": {"type": "array", "items": {"type": "object", "properties": {
                    "factor_sid": {"type": "string"}, "name": {"type": "string"}, "created_at": {"type": "number"}}}},
                  "recovery_codes_left": {"type": "integer"},
                  "sessions": {"type": "array", "items": {"$ref": "#/components/schemas/DeviceSession"}}
                }
              },
              "AuditEvent": {
                "type": "object", "required": ["id", "type", "at", "actor", "detail"],
                "properties": {
                  "id": {"type": "integer"},
                  "type": {"enum": \#(AuditEventType.openAPIEnum)},
                  "at": {"type": "number", "description": "Unix seconds"},
                  "subject": {"type": "string", "description": "An account sid, a phone login's number, or a client id (client.*)"},
                  "actor": {"enum": ["user", "admin", "command"]},
                  "ip": {"type": "string"}, "user_agent": {"type": "string"},
                  "detail": {"type": "object", "additionalProperties": {"type": "string"}}
                }
              },
              "AdminClient": {
                "type": "object",
                "required": ["client_id", "name", "public", "redirect_uris", "post_logout_redirect_uris", "scopes", "id_token_signed_response_alg", "source"],
                "properties": {
                  "client_id": {"type": "string"}, "name": {"type": "string"}, "public": {"type": "boolean"},
                  "redirect_uris": {"type": "array", "items": {"type": "string"}},
                  "post_logout_redirect_uris": {"type": "array", "items": {"type": "string"}},
                  "scopes": {"type": "array", "items": {"enum": \#(OAuthScope.openAPIEnum)}},
                  "id_token_signed_response_alg": {"enum": ["RS256", "ES256", "EdDSA"]},
                  "source": {"enum": ["file", "admin"]},
                  "created_at": {"type": "number"},
                  "client_secret": {"type": "string", "description": "Only when this API made it: shown once"}
                }
              },
              "WebhookDelivery": {
                "type": "object", "required": ["message_id", "type", "created_at", "attempts", "status"],
                "properties": {
                  "message_id": {"type": "string"}, "type": {"type": "string"}, "created_at": {"type": "number"},
                  "attempts": {"type": "integer"}, "status": {"enum": ["pending", "delivered", "failed"]},
                  "delivered_at": {"type": "number"}, "next_attempt_at": {"type": "number"},
                  "last_status": {"type": "integer"}, "last_error": {"type": "string"}
                }
              }
            }
          }
        }
        """#
}
