/// The OpenAPI description of ``InboxPage``'s routes (see ``ControlAPIDocument``).
extension InboxPage {
    static let openAPI = #"""
        {
          "paths": {
            "/": {
              "get": {
                "operationId": "inbox", "tags": ["inbox"],
                "summary": "The live inbox: a phone per recipient with every code as it arrives, pending verifications, TOTP codes and push challenges",
                "responses": {"200": {"description": "The page", "content": {"text/html": {"schema": {"type": "string"}}}}}
              }
            },
            "/emulator/v1/events": {
              "get": {
                "operationId": "events", "tags": ["inbox"],
                "summary": "Server-sent events: `message` with each message as it is sent (a Message), `clock` every second with the clock; the stream does not end",
                "responses": {"200": {"description": "An endless event stream", "content": {"text/event-stream": {"schema": {"type": "string"}}}}}
              }
            }
          }
        }
        """#
}
