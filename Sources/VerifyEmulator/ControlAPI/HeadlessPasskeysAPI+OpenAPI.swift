/// The OpenAPI description of ``HeadlessPasskeysAPI`` (see ``ControlAPIDocument``).
extension HeadlessPasskeysAPI {
    static let openAPI = #"""
        {
          "paths": {
            "/emulator/v1/passkeys/register": {
              "post": {
                "operationId": "registerHeadlessPasskey", "tags": ["passkeys"],
                "summary": "A new software passkey answers the creation options of a Verify passkeys factor with the registration JSON a browser would post (PublicKeyCredential.toJSON()), ready for VerifyFactor; the credential is kept for sign-ins unless a variant breaks it",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HeadlessCeremony"}}}},
                "responses": {
                  "200": {"description": "The registration credential JSON", "content": {"application/json": {"schema": {"type": "object"}}}},
                  \#(ControlAPIDocument.responses(400, 413))
                }
              }
            },
            "/emulator/v1/passkeys/authenticate": {
              "post": {
                "operationId": "authenticateHeadlessPasskey", "tags": ["passkeys"],
                "summary": "The newest kept software passkey of the options' relying party (among allowCredentials, when they list any) answers the request options of a Verify passkeys challenge with the assertion JSON a browser would post, ready for ApproveChallenge",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HeadlessCeremony"}}}},
                "responses": {
                  "200": {"description": "The assertion credential JSON", "content": {"application/json": {"schema": {"type": "object"}}}},
                  \#(ControlAPIDocument.responses(400, 404, 413))
                }
              }
            }
          },
          "components": {
            "schemas": {
              "HeadlessCeremony": {
                "type": "object", "required": ["options", "origin"], "additionalProperties": false,
                "properties": {
                  "options": {"type": "object", "description": "The options Verify returned: {\"publicKey\": {...}} (or the publicKey object itself)"},
                  "origin": {"type": "string", "description": "The page's origin, as a browser would name it in the client data", "examples": ["https://login.example.com"]},
                  "variant": {
                    "type": "string", "enum": ["bad_signature", "wrong_origin", "replayed_counter", "user_not_present"],
                    "description": "Break one part on purpose: a flipped signature bit, another origin, the last sign-in's counter again, or no user-present flag (bad_signature and replayed_counter apply to sign-ins only)"
                  }
                }
              }
            }
          }
        }
        """#
}
