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
        registerFactorMigrations(&migrator)
        registerVerifyMigrations(&migrator)
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
