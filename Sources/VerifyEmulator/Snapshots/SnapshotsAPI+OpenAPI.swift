/// The OpenAPI description of ``SnapshotsAPI`` (see ``ControlAPIDocument``).
extension SnapshotsAPI {
    static let openAPI = #"""
        {
          "paths": {
            "/emulator/v1/snapshots": {
              "get": {
                "operationId": "listSnapshots", "tags": ["snapshots"], "summary": "The saved snapshots",
                "responses": {
                  "200": {
                    "description": "The snapshots",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["snapshots"],
                      "properties": {"snapshots": {"type": "array", "items": {"$ref": "#/components/schemas/Snapshot"}}}
                    }}}
                  }
                }
              },
              "post": {
                "operationId": "saveSnapshot", "tags": ["snapshots"],
                "summary": "Saves the database, the clock's reading and the fault rules under a name (201; 200 when it replaced one of that name)",
                "requestBody": {
                  "required": true,
                  "content": {"application/json": {"schema": {
                    "type": "object", "required": ["name"], "additionalProperties": false,
                    "properties": {"name": {"$ref": "#/components/schemas/SnapshotName"}}
                  }}}
                },
                "responses": {
                  "200": {"description": "Saved over the snapshot of that name", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Snapshot"}}}},
                  "201": {"description": "Saved", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Snapshot"}}}},
                  \#(ControlAPIDocument.responses(400, 413))
                }
              }
            },
            "/emulator/v1/snapshots/{name}": {
              "delete": {
                "operationId": "deleteSnapshot", "tags": ["snapshots"], "summary": "Deletes a snapshot",
                "parameters": [{"$ref": "#/components/parameters/snapshotName"}],
                "responses": {\#(ControlAPIDocument.responses(204, 400, 404))}
              }
            },
            "/emulator/v1/snapshots/{name}/restore": {
              "post": {
                "operationId": "restoreSnapshot", "tags": ["snapshots"], "summary": "Puts the database, the clock and the fault rules back as they were saved",
                "parameters": [{"$ref": "#/components/parameters/snapshotName"}],
                "responses": {
                  "200": {"description": "Restored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Snapshot"}}}},
                  \#(ControlAPIDocument.responses(400, 404))
                }
              }
            },
            "/emulator/v1/snapshots/{name}/database": {
              "get": {
                "operationId": "downloadSnapshot", "tags": ["snapshots"], "summary": "The snapshot as a SQLite file, which `--import` starts from",
                "parameters": [{"$ref": "#/components/parameters/snapshotName"}],
                "responses": {
                  "200": {"$ref": "#/components/responses/SQLiteFile"},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "404": {"$ref": "#/components/responses/NotFound"}
                }
              }
            },
            "/emulator/v1/database": {
              "get": {
                "operationId": "downloadDatabase", "tags": ["snapshots"], "summary": "The current state as one consistent SQLite file (SQLite's online backup)",
                "responses": {"200": {"$ref": "#/components/responses/SQLiteFile"}}
              }
            }
          },
          "components": {
            "parameters": {
              "snapshotName": {"name": "name", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/SnapshotName"}}
            },
            "responses": {
              "SQLiteFile": {
                "description": "A SQLite database file (with the clock and the fault rules in it)",
                "content": {"application/vnd.sqlite3": {"schema": {"type": "string", "format": "binary"}}}
              }
            },
            "schemas": {
              "SnapshotName": {"type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$", "examples": ["seeded"]},
              "Snapshot": {
                "type": "object", "required": ["name", "saved_at", "emulator_time", "clock_frozen", "fault_rules", "size_bytes"],
                "properties": {
                  "name": {"type": "string"}, "saved_at": {"type": "string"},
                  "emulator_time": {"type": "string", "description": "The clock's reading when saved"},
                  "clock_frozen": {"type": "boolean"}, "fault_rules": {"type": "integer", "minimum": 0},
                  "size_bytes": {"type": "integer", "minimum": 0}
                }
              }
            }
          }
        }
        """#
}
