import Hummingbird
import ServerOperations

/// The OpenAPI description of the auth server's JSON API, health and metrics, at
/// `GET /openapi.json` (the web pages are for browsers and are not in it). Each controller
/// describes its routes in a `+OpenAPI.swift` file beside it; this adds what they share: the
/// error body, the bearer scheme and the refusals every route can meet.
enum AuthAPIDocument {
    static func make() throws -> OpenAPIDocument {
        try OpenAPIDocument(
            title: "auth-server JSON API", version: BuildInfo.version,
            summary: """
                Log in by SMS code, by password with second factors (SMS, authenticator app, push \
                approval, recovery codes) or by passkey; refresh and revoke JWTs. Access tokens are \
                ES256 JWTs (public keys at /.well-known/jwks.json) sent as `Authorization: Bearer`. \
                Every refusal is `{"message": …}` (with `errors` naming fields, and `msg` for a \
                refused token); every 429 carries Retry-After.
                """,
            fragments: [
                shared, SMSLoginController.openAPI, TokensController.openAPI, AccountsController.openAPI,
                AccountsController.openAPITwoFactor, AccountsController.openAPIPasskeys,
            ])
    }

    /// Serves the document; called after every other route, so it also checks that the
    /// document describes exactly the JSON API's routes (the pages are left out).
    static func addRoutes(to router: Router<AuthRequestContext>) throws {
        let document = try make()
        router.get("/openapi.json") { _, _ in document.response() }
        let mismatches = document.mismatches(routes: router.routes.map(\.description), describes: isDescribed)
        guard mismatches.isEmpty else {
            throw OpenAPIDocument.Problem(
                description: "the auth server's OpenAPI: " + mismatches.joined(separator: "; "))
        }
    }

    /// The paths the document covers: the JSON API, the keys, health, metrics and itself.
    static func isDescribed(_ path: String) -> Bool {
        path.hasPrefix("/api/")
            || ["/.well-known/jwks.json", "/healthz", "/livez", "/readyz", "/metrics", "/openapi.json"].contains(path)
    }

    static let shared = #"""
        {
          "paths": {
            "/openapi.json": {
              "get": {
                "operationId": "openAPI", "tags": ["meta"], "summary": "This description",
                "responses": {"200": {"description": "An OpenAPI 3.1 document", "content": {"application/json": {"schema": {"type": "object"}}}}}
              }
            },
            "/healthz": {
              "get": {
                "operationId": "healthz", "tags": ["health"], "summary": "The process answers (kept for older setups)",
                "responses": {"200": {"description": "Serving", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}}
              }
            },
            "/livez": {
              "get": {
                "operationId": "livez", "tags": ["health"], "summary": "The process answers",
                "responses": {"200": {"description": "Serving", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}}
              }
            },
            "/readyz": {
              "get": {
                "operationId": "readyz", "tags": ["health"],
                "summary": "The server serves and its database takes a write (what `auth-server healthcheck` asks)",
                "responses": {
                  "200": {"description": "Ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
                  "503": {"description": "The database does not take a write", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}
                }
              }
            },
            "/metrics": {
              "get": {
                "operationId": "metrics", "tags": ["health"], "summary": "Prometheus metrics in the text exposition format (keep it behind your proxy)",
                "responses": {"200": {"description": "Counters and histograms", "content": {"text/plain": {"schema": {"type": "string"}}}}}
              }
            }
          },
          "components": {
            "securitySchemes": {
              "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "An access token from a login or a refresh"}
            },
            "schemas": {
              "Status": {
                "type": "object", "required": ["status"],
                "properties": {"status": {"type": "string"}, "reason": {"type": "string"}}
              },
              "Error": {
                "type": "object", "required": ["message"],
                "properties": {
                  "message": {"type": "string"},
                  "msg": {"type": "string", "description": "The message again, for a refused bearer token (as flask-jwt-extended clients read it)"},
                  "errors": {"type": "object", "additionalProperties": {"type": "string"}, "description": "A message per refused field"}
                }
              },
              "Message": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}},
              "CodeSent": {
                "type": "object", "required": ["message", "status"],
                "properties": {
                  "message": {"type": "string"}, "status": {"const": "pending"},
                  "phone_number": {"type": "string", "description": "The number, masked where the client did not just type it"}
                }
              },
              "TokenGrant": {
                "type": "object", "required": ["token", "access_token", "refresh_token", "token_type", "expires_in"],
                "properties": {
                  "token": {"type": "string", "description": "The access token again, for clients of the original contract"},
                  "access_token": {"type": "string"}, "refresh_token": {"type": "string"},
                  "token_type": {"const": "Bearer"}, "expires_in": {"type": "integer", "description": "Seconds the access token lives"},
                  "phone_number": {"type": "string"}, "account_sid": {"type": "string"},
                  "message": {"type": "string"}, "authenticated": {"type": "boolean"}, "username": {"type": "string"}
                }
              },
              "SecondFactor": {"type": "string", "enum": \#(SecondFactor.allCases.map(\.rawValue))},
              "Method": {"type": "string", "enum": \#(SecondFactor.allCases.map(\.rawValue) + ["recovery"]), "description": "Which factor proves the step; may be left out when the account has one"}
            },
            "responses": {
              "BadRequest": {"description": "The body or a field is not what the route takes; `errors` names fields", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Unauthorized": {"description": "No, a bad, an expired or a revoked token (WWW-Authenticate: Bearer)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Forbidden": {"description": "Refused for good: a disabled account, a denied push, a blocked number", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "NotFound": {"description": "Nothing by that id, or a feature this server does not have on (push, passkeys)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Conflict": {"description": "Not in this state: the factor is not on, or already on", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "TooLarge": {"description": "The body is over 16 KiB", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "TooManyRequests": {
                "description": "A limit was reached; Retry-After says when to try again",
                "headers": {"Retry-After": {"required": true, "schema": {"type": "integer", "minimum": 1}}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
              },
              "BadGateway": {"description": "Twilio Verify failed or could not be reached", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "GatewayTimeout": {"description": "Twilio Verify did not answer in time", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        }
        """#
}
