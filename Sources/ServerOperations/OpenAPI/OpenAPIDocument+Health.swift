/// The routes every server of this package has for operators (`/healthz`, `/livez`, `/readyz`,
/// `/metrics`), described once for both servers' OpenAPI documents.
extension OpenAPIDocument {
    /// The health and metrics paths, with the `Status` schema they answer. `server` names the
    /// executable whose `healthcheck` asks `/readyz`; `metricsNote` is added to `/metrics`.
    ///
    /// ```swift
    /// fragments: [OpenAPIDocument.healthFragment(server: "verify-emulator"), ControlAPI.openAPI]
    /// ```
    public static func healthFragment(server: String, metricsNote: String = "") -> String {
        #"""
        {
          "paths": {
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
                "summary": "The server serves and its database takes a write (what `\#(server) healthcheck` asks)",
                "responses": {
                  "200": {"description": "Ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
                  "503": {"description": "The database does not take a write; `reason` says why", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}
                }
              }
            },
            "/metrics": {
              "get": {
                "operationId": "metrics", "tags": ["health"], "summary": "Prometheus metrics in the text exposition format\#(metricsNote)",
                "responses": {"200": {"description": "Counters and histograms", "content": {"text/plain": {"schema": {"type": "string"}}}}}
              }
            }
          },
          "components": {
            "schemas": {
              "Status": {
                "type": "object", "required": ["status"],
                "properties": {"status": {"type": "string"}, "reason": {"type": "string"}}
              }
            }
          }
        }
        """#
    }
}
