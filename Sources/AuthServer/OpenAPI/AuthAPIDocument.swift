import Hummingbird
import ServerOperations

/// The OpenAPI description of the auth server's JSON API, health and metrics, at
/// `GET /openapi.json` (the web pages are for browsers and are not in it). Each controller
/// describes its routes in a `+OpenAPI.swift` file beside it; this adds what they share: the
/// error body, the bearer scheme and the refusals every route can meet.
enum AuthAPIDocument {
    /// Built once per process, on first use: the same for every server in it (a test suite starts
    /// hundreds), and reading the fragments is the costly part.
    static let built = Result { () throws(OpenAPIDocument.Problem) in try make() }

    static func make() throws(OpenAPIDocument.Problem) -> OpenAPIDocument {
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
                OpenAPIDocument.healthFragment(server: "auth-server", metricsNote: " (keep it behind your proxy)"),
                shared, SMSLoginController.openAPI, TokensController.openAPI, SessionsController.openAPI,
                AccountsController.openAPI,
                AccountsController.openAPITwoFactor, AccountsController.openAPIPasskeys, AdminController.openAPI,
            ])
    }

    /// Serves the document; called after every other route, so that debug builds (every test)
    /// also check that the document describes exactly the JSON API's routes (the pages are left
    /// out).
    static func addRoutes(to router: Router<AuthRequestContext>) throws {
        try OpenAPIDocument.serve(built: built, at: "/openapi.json", on: router, describes: isDescribed)
    }

    /// The shared responses of these refusals, by status (see ``OpenAPIDocument/references(_:names:)``).
    static func refusals(_ statuses: Int...) -> String {
        OpenAPIDocument.references(statuses, names: refusalNames)
    }

    static let refusalNames = [
        400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict", 413: "TooLarge",
        429: "TooManyRequests", 502: "BadGateway", 504: "GatewayTimeout",
    ]

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
            }
          },
          "components": {
            "securitySchemes": {
              "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "An access token from a login or a refresh"}
            },
            "schemas": {
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
