import GRDB

/// The migrations after the first four: Verify's factors (entities, TOTP, push, passkeys,
/// webhooks, access tokens) and the other Verify resources (safe list, messaging
/// configurations, SNA). Applied in order after v1–v4 by ``EmulatorDatabase/migrator``.
extension EmulatorDatabase {
    static func registerFactorMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5: entities, factors, challenges") { db in
            try db.create(table: "entity") { t in
                t.primaryKey("id", .integer)
                t.column("sid", .text).notNull().unique()
                t.column("service_id", .integer).notNull().references("service", onDelete: .cascade)
                t.column("service_sid", .text).notNull()
                t.column("account_sid", .text).notNull()
                t.column("identity", .text).notNull()
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
                t.uniqueKey(["service_id", "identity"])
            }
            try db.create(table: "factor") { t in
                t.primaryKey("id", .integer)
                t.column("sid", .text).notNull().unique()
                t.column("entity_id", .integer).notNull().references("entity", onDelete: .cascade)
                t.column("entity_sid", .text).notNull()
                t.column("service_sid", .text).notNull()
                t.column("account_sid", .text).notNull()
                t.column("identity", .text).notNull()
                t.column("friendly_name", .text).notNull()
                t.column("factor_type", .text).notNull()
                t.column("status", .text).notNull()
                // TOTP: the base32 secret and the code settings
                t.column("secret", .text).notNull()
                t.column("alg", .text).notNull()
                t.column("time_step", .integer).notNull()
                t.column("skew", .integer).notNull()
                t.column("code_length", .integer).notNull()
                // the time-step counter of the last accepted code: a code is good once
                t.column("last_counter", .integer)
                t.column("failed_attempts", .integer).notNull().defaults(to: 0)
                t.column("metadata", .text)
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
            }
            try db.create(index: "factor_by_entity", on: "factor", columns: ["entity_id", "id"])
            try db.create(table: "challenge") { t in
                t.primaryKey("id", .integer)
                t.column("sid", .text).notNull().unique()
                t.column("factor_id", .integer).notNull().references("factor", onDelete: .cascade)
                t.column("factor_sid", .text).notNull()
                t.column("entity_id", .integer).notNull().references("entity", onDelete: .cascade)
                t.column("entity_sid", .text).notNull()
                t.column("identity", .text).notNull()
                t.column("service_sid", .text).notNull()
                t.column("account_sid", .text).notNull()
                t.column("factor_type", .text).notNull()
                t.column("status", .text).notNull()
                t.column("responded_reason", .text).notNull()
                // JSON: {"message", "fields": [{"label", "value"}]}, and the hidden details object
                t.column("details", .text)
                t.column("hidden_details", .text)
                t.column("metadata", .text)
                t.column("failed_attempts", .integer).notNull().defaults(to: 0)
                t.column("expires_at", .integer).notNull()
                t.column("responded_at", .integer)
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
            }
            try db.create(index: "challenge_by_entity", on: "challenge", columns: ["entity_id", "id"])
            try db.create(index: "challenge_by_factor", on: "challenge", columns: ["factor_id"])
        }
        migrator.registerMigration("v6: webhooks") { db in
            try db.create(table: "webhook") { t in
                t.primaryKey("id", .integer)
                t.column("sid", .text).notNull().unique()
                t.column("service_id", .integer).notNull().references("service", onDelete: .cascade)
                t.column("service_sid", .text).notNull()
                t.column("account_sid", .text).notNull()
                t.column("friendly_name", .text).notNull()
                // a JSON array of event types, `*` among them possibly
                t.column("event_types", .text).notNull()
                t.column("status", .text).notNull()
                t.column("version", .text).notNull()
                t.column("webhook_url", .text).notNull()
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
            }
            try db.create(index: "webhook_by_service", on: "webhook", columns: ["service_id", "id"])
        }
        migrator.registerMigration("v7: access tokens") { db in
            try db.create(table: "access_token") { t in
                t.primaryKey("id", .integer)
                t.column("sid", .text).notNull().unique()
                t.column("service_id", .integer).notNull().references("service", onDelete: .cascade)
                t.column("service_sid", .text).notNull()
                t.column("account_sid", .text).notNull()
                t.column("identity", .text).notNull()
                t.column("factor_type", .text).notNull()
                t.column("factor_friendly_name", .text)
                // the opaque token itself: the resource returns it on fetch too, as Twilio's does
                t.column("token", .text).notNull().unique()
                t.column("ttl", .integer).notNull()
                t.column("created_at", .integer).notNull()
            }
        }
        migrator.registerMigration("v8: push factors, notifications, virtual devices") { db in
            // The TOTP columns become nullable (a push factor has none), so the table is rebuilt
            // as SQLite's ALTER TABLE cannot change a column: new table, copy, drop, rename.
            // GRDB runs each migration with foreign keys off, so challenges keep their rows.
            try db.create(table: "new_factor") { t in
                t.primaryKey("id", .integer)
                t.column("sid", .text).notNull().unique()
                t.column("entity_id", .integer).notNull().references("entity", onDelete: .cascade)
                t.column("entity_sid", .text).notNull()
                t.column("service_sid", .text).notNull()
                t.column("account_sid", .text).notNull()
                t.column("identity", .text).notNull()
                t.column("friendly_name", .text).notNull()
                t.column("factor_type", .text).notNull()
                t.column("status", .text).notNull()
                // TOTP: the base32 secret and the code settings
                t.column("secret", .text)
                t.column("alg", .text)
                t.column("time_step", .integer)
                t.column("skew", .integer)
                t.column("code_length", .integer)
                // the time-step counter of the last accepted code: a code is good once
                t.column("last_counter", .integer)
                t.column("failed_attempts", .integer).notNull().defaults(to: 0)
                // push: the device's public key (PKIX DER, base64), the kid of its JWTs, its app
                t.column("public_key", .text)
                t.column("credential_sid", .text).unique()
                t.column("sdk_version", .text)
                t.column("app_id", .text)
                t.column("notification_platform", .text)
                t.column("notification_token", .text)
                t.column("metadata", .text)
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
            }
            try db.execute(
                sql: """
                    INSERT INTO new_factor (id, sid, entity_id, entity_sid, service_sid, account_sid, identity,
                        friendly_name, factor_type, status, secret, alg, time_step, skew, code_length, last_counter,
                        failed_attempts, metadata, created_at, updated_at)
                    SELECT id, sid, entity_id, entity_sid, service_sid, account_sid, identity, friendly_name,
                        factor_type, status, secret, alg, time_step, skew, code_length, last_counter,
                        failed_attempts, metadata, created_at, updated_at FROM factor
                    """)
            try db.drop(table: "factor")
            try db.rename(table: "new_factor", to: "factor")
            try db.create(index: "factor_by_entity", on: "factor", columns: ["entity_id", "id"])
            try db.create(table: "notification") { t in
                t.primaryKey("id", .integer)
                t.column("sid", .text).notNull().unique()
                t.column("challenge_id", .integer).notNull().references("challenge", onDelete: .cascade)
                t.column("challenge_sid", .text).notNull()
                t.column("entity_sid", .text).notNull()
                t.column("identity", .text).notNull()
                t.column("service_sid", .text).notNull()
                t.column("account_sid", .text).notNull()
                t.column("ttl", .integer).notNull()
                t.column("created_at", .integer).notNull()
            }
            try db.create(index: "notification_by_challenge", on: "notification", columns: ["challenge_id"])
            // an access token admits one factor: the one it created
            try db.alter(table: "access_token") { t in t.add(column: "factor_sid", .text) }
            // the emulator's own devices: the private key it signs with as the Verify Push SDK would
            try db.create(table: "virtual_device") { t in
                t.primaryKey("factor_id", .integer).references("factor", onDelete: .cascade)
                t.column("private_key", .blob).notNull()
            }
        }
        migrator.registerMigration("v9: passkeys") { db in
            try db.alter(table: "factor") { t in
                // the relying party and authenticator settings, as the factor was created with
                t.add(column: "rp_id", .text)
                t.add(column: "rp_name", .text)
                t.add(column: "rp_origins", .text)  // a JSON array
                t.add(column: "authenticator_attachment", .text)
                t.add(column: "discoverable_credentials", .text)
                t.add(column: "user_verification", .text)
                // the registered credential: its id (base64url) and signature counter; its key is
                // in public_key (PKIX DER, base64)
                t.add(column: "credential_id", .text)
                t.add(column: "sign_count", .integer)
                t.add(column: "transports", .text)  // a JSON array
            }
            try db.create(index: "factor_by_credential_id", on: "factor", columns: ["credential_id"])
            // sign-in ceremonies: usernameless ones name no entity or factor until answered
            try db.create(table: "passkey_challenge") { t in
                t.primaryKey("id", .integer)
                t.column("sid", .text).notNull().unique()
                t.column("service_id", .integer).notNull().references("service", onDelete: .cascade)
                t.column("service_sid", .text).notNull()
                t.column("account_sid", .text).notNull()
                t.column("entity_id", .integer).references("entity", onDelete: .cascade)
                t.column("factor_id", .integer).references("factor", onDelete: .cascade)
                t.column("rp_id", .text).notNull()
                t.column("rp_origins", .text).notNull()
                t.column("user_verification", .text).notNull()
                t.column("status", .text).notNull()
                t.column("expires_at", .integer).notNull()
                t.column("responded_at", .integer)
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
            }
        }
    }

    static func registerVerifyMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10: safe list, messaging configurations") { db in
            try db.create(table: "safe_list") { t in
                t.primaryKey("id", .integer)
                t.column("sid", .text).notNull().unique()
                t.column("account_sid", .text).notNull()
                t.column("phone_number", .text).notNull()
                t.column("created_at", .integer).notNull()
                t.uniqueKey(["account_sid", "phone_number"])
            }
            try db.create(table: "messaging_configuration") { t in
                t.primaryKey("id", .integer)
                t.column("service_id", .integer).notNull().references("service", onDelete: .cascade)
                t.column("service_sid", .text).notNull()
                t.column("account_sid", .text).notNull()
                t.column("country", .text).notNull()
                t.column("messaging_service_sid", .text).notNull()
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
                t.uniqueKey(["service_id", "country"])
            }
        }
        migrator.registerMigration("v11: silent network auth") { db in
            // one row per SNA send attempt: its URL's token, and what invoking it said
            try db.create(table: "sna_session") { t in
                t.primaryKey("attempt_sid", .text)
                t.column("verification_sid", .text).notNull().indexed()
                t.column("token", .text).notNull()
                t.column("expires_at", .integer).notNull()
                t.column("invoked_at", .integer)
                // 0 once invoked with success; an SNA error code otherwise
                t.column("result_code", .integer)
                t.column("created_at", .integer).notNull()
            }
        }
        migrator.registerMigration("v12: accounts created at run time") { db in
            // `POST /emulator/v1/accounts`: one per parallel test worker, kept across restarts
            try db.create(table: "runtime_account") { t in
                t.primaryKey("sid", .text)
                t.column("auth_token", .text).notNull()
                t.column("friendly_name", .text).notNull()
                t.column("created_at", .integer).notNull()
            }
        }
        migrator.registerMigration("v13: headless passkeys") { db in
            // the control API's software authenticator: one row per credential it made
            try db.create(table: "software_passkey") { t in
                t.primaryKey("credential_id", .text)
                t.column("rp_id", .text).notNull().indexed()
                t.column("user_handle", .text)
                t.column("private_key", .blob).notNull()
                t.column("sign_count", .integer).notNull()
                t.column("created_at", .integer).notNull()
            }
        }
        migrator.registerMigration("v14: withheld deliveries") { db in
            // a sent message the phone has not received yet (the outcome catalogue's delayed and
            // never-delivered numbers): hidden from the messages list and the inbox until due
            try db.create(table: "withheld_message") { t in
                t.primaryKey("message_id", .integer).references("message", onDelete: .cascade)
                t.column("account_sid", .text).notNull()
                // on the account's emulator clock; NULL: never
                t.column("deliver_at", .integer)
            }
        }
    }
}
