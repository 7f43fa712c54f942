import GRDB

/// Opens the emulator's SQLite database and brings its schema up to date.
///
/// A file opens as a `DatabasePool` in WAL mode with `synchronous=NORMAL`: readers never block
/// the writer, and a commit costs no fsync (the WAL is synced at checkpoints), which is what lets
/// one writer keep up with thousands of verifications a second. A crash of the emulator process
/// loses nothing committed; only a power loss can lose the last moments, which is the right trade
/// for a development tool. `:memory:` opens a throwaway `DatabaseQueue`.
enum EmulatorDatabase {
    static func open(path: String) throws -> any DatabaseWriter {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Reads are short and few (fetches, lists, the control API); two readers keep memory low.
        configuration.maximumReaderCount = 2
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 2000")
        }
        let writer: any DatabaseWriter
        if path == ":memory:" {
            writer = try DatabaseQueue(configuration: configuration)
        } else {
            writer = try DatabasePool(path: path, configuration: configuration)
        }
        try migrator.migrate(writer)
        return writer
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: services, verifications, messages") { db in
            try db.create(table: "service") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("sid", .text).notNull().unique()
                t.column("account_sid", .text).notNull()
                t.column("friendly_name", .text).notNull()
                t.column("code_length", .integer).notNull()
                t.column("lookup_enabled", .boolean).notNull()
                t.column("psd2_enabled", .boolean).notNull()
                t.column("skip_sms_to_landlines", .boolean).notNull()
                t.column("dtmf_input_required", .boolean).notNull()
                t.column("tts_name", .text)
                t.column("do_not_share_warning_enabled", .boolean).notNull()
                t.column("custom_code_enabled", .boolean).notNull()
                // Push, TOTP, WhatsApp and passkeys settings are stored but drive nothing here.
                t.column("push", .jsonText).notNull()
                t.column("totp", .jsonText).notNull()
                t.column("whatsapp", .jsonText).notNull()
                t.column("passkeys", .jsonText).notNull()
                t.column("default_template_sid", .text)
                t.column("verify_event_subscription_enabled", .boolean).notNull()
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
            }
            try db.create(index: "service_by_account", on: "service", columns: ["account_sid", "id"])

            try createVerificationTable(db, named: "verification", autoIncrement: true)
            try db.create(
                index: "verification_by_recipient", on: "verification", columns: ["service_id", "to_address", "id"])

            // The outbox: one row per "sent" code, which is also one entry of the
            // verification's send_code_attempts. Kept when its service is deleted, as a phone
            // keeps a received SMS.
            try createMessageTable(db, named: "message", autoIncrement: true)
            // Two indexes only: every index is written on every send. The first serves the send
            // window count and the control API's `to` filter; the second, send_code_attempts.
            try db.create(
                index: "message_by_recipient", on: "message", columns: ["to_address", "service_sid", "created_at"])
            try db.create(index: "message_by_verification", on: "message", columns: ["verification_sid"])
        }
        migrator.registerMigration("v2: fixed codes") { db in
            // scope is "recipient" (key: the To), "service" (key: the VA SID) or "all" (key: "").
            try db.create(table: "fixed_code") { t in
                t.column("scope", .text).notNull()
                t.column("key", .text).notNull()
                t.column("code", .text).notNull()
                t.primaryKey(["scope", "key"])
            }
        }
        migrator.registerMigration("v3: programmable rate limits") { db in
            try db.create(table: "rate_limit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("sid", .text).notNull().unique()
                t.column("service_id", .integer).notNull().references("service", onDelete: .cascade)
                t.column("service_sid", .text).notNull()
                t.column("account_sid", .text).notNull()
                t.column("unique_name", .text).notNull()
                t.column("description", .text)
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
                t.uniqueKey(["service_id", "unique_name"])
            }
            try db.create(table: "bucket") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("sid", .text).notNull().unique()
                t.column("rate_limit_id", .integer).notNull().references("rate_limit", onDelete: .cascade)
                t.column("rate_limit_sid", .text).notNull()
                t.column("service_sid", .text).notNull()
                t.column("account_sid", .text).notNull()
                t.column("max", .integer).notNull()
                t.column("interval", .integer).notNull()
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
            }
            try db.create(index: "bucket_by_rate_limit", on: "bucket", columns: ["rate_limit_id", "id"])
            // One row per verification start that named the rate limit, for the bucket windows.
            try db.create(table: "rate_limit_hit") { t in
                t.column("rate_limit_id", .integer).notNull().references("rate_limit", onDelete: .cascade)
                t.column("value", .text).notNull()
                t.column("created_at", .integer).notNull()
            }
            try db.create(
                index: "rate_limit_hit_window", on: "rate_limit_hit", columns: ["rate_limit_id", "value", "created_at"])
        }
        migrator.registerMigration("v4: hot tables without AUTOINCREMENT or a recipient index") { db in
            // Every start inserts a verification and a message, with one B-tree insert per
            // index, and every commit writes the pages they touched. So:
            // - no AUTOINCREMENT: it made every insert read and rewrite sqlite_sequence. Plain
            //   rowids still grow past every existing row, which is all the ordering by id needs.
            // - no verification_by_recipient: the newest message to a recipient names its newest
            //   verification (``VerificationStore/latest(_:service:to:)``), so the message index
            //   answers that question. Measured: +4% create+check cycles/s.
            // - message_by_recipient on (to, service) only: its entries are then in id order
            //   (SQLite appends the rowid), which the newest-message and send-window queries use.
            // The tables are rebuilt with their rows.
            try createVerificationTable(db, named: "verification_rebuilt", autoIncrement: false)
            try db.execute(sql: "INSERT INTO verification_rebuilt SELECT * FROM verification")
            try db.drop(table: "verification")
            try db.rename(table: "verification_rebuilt", to: "verification")
            try createMessageTable(db, named: "message_rebuilt", autoIncrement: false)
            try db.execute(sql: "INSERT INTO message_rebuilt SELECT * FROM message")
            try db.drop(table: "message")
            try db.rename(table: "message_rebuilt", to: "message")
            try db.create(index: "message_by_recipient", on: "message", columns: ["to_address", "service_sid"])
            try db.create(index: "message_by_verification", on: "message", columns: ["verification_sid"])
        }
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
        return migrator
    }

    private static func createVerificationTable(_ db: Database, named name: String, autoIncrement: Bool) throws {
        try db.create(table: name) { t in
            if autoIncrement { t.autoIncrementedPrimaryKey("id") } else { t.primaryKey("id", .integer) }
            t.column("sid", .text).notNull().unique()
            t.column("service_id", .integer).notNull().references("service", onDelete: .cascade)
            t.column("service_sid", .text).notNull()
            t.column("account_sid", .text).notNull()
            t.column("to_address", .text).notNull()
            t.column("channel", .text).notNull()
            // pending, approved, canceled, expired, max_attempts_reached
            t.column("status", .text).notNull()
            t.column("code", .text).notNull()
            t.column("check_attempts", .integer).notNull().defaults(to: 0)
            t.column("locale", .text)
            t.column("amount", .text)
            t.column("payee", .text)
            t.column("created_at", .integer).notNull()
            t.column("updated_at", .integer).notNull()
            t.column("expires_at", .integer).notNull()
        }
    }

    private static func createMessageTable(_ db: Database, named name: String, autoIncrement: Bool) throws {
        try db.create(table: name) { t in
            if autoIncrement { t.autoIncrementedPrimaryKey("id") } else { t.primaryKey("id", .integer) }
            t.column("sid", .text).notNull()
            t.column("account_sid", .text).notNull()
            t.column("service_sid", .text).notNull()
            t.column("verification_sid", .text).notNull()
            t.column("to_address", .text).notNull()
            t.column("channel", .text).notNull()
            t.column("body", .text).notNull()
            t.column("code", .text).notNull()
            t.column("created_at", .integer).notNull()
        }
    }
}
