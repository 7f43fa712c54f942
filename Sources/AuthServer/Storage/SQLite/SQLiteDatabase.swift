import GRDB

/// The auth server's one SQLite database: refresh tokens, revoked access tokens, accounts,
/// login challenges and web sessions. WAL with `synchronous=NORMAL` for a file; `:memory:` for
/// throwaway runs and tests.
enum SQLiteDatabase {
    static func open(path: String) throws -> any DatabaseWriter {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        // replicas share the file: a writer waits for another process's transaction to finish
        configuration.busyMode = .timeout(5)
        let writer: any DatabaseWriter =
            path == ":memory:"
            ? try DatabaseQueue(configuration: configuration)
            : try DatabasePool(path: path, configuration: configuration)
        try migrator.migrate(writer)
        return writer
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: refresh tokens and revoked access tokens") { db in
            try db.create(table: "refresh_token") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("token_hash", .text).notNull().unique()
                t.column("family", .text).notNull().indexed()
                t.column("subject", .text).notNull()
                t.column("created_at", .double).notNull()
                t.column("expires_at", .double).notNull()
                t.column("used_at", .double)
                t.column("revoked_at", .double)
            }
            try db.create(table: "revoked_jti") { t in
                t.primaryKey("jti", .text)
                t.column("expires_at", .double).notNull()
            }
        }
        migrator.registerMigration("v2: accounts, login challenges, web sessions") { db in
            try db.create(index: "refresh_token_subject", on: "refresh_token", columns: ["subject"])
            try db.create(table: "account") { t in
                t.autoIncrementedPrimaryKey("id")
                // the public, stable id: the `sub` of the account's tokens
                t.column("sid", .text).notNull().unique()
                t.column("username", .text).notNull().unique(onConflict: .abort).collate(.nocase)
                t.column("email", .text).notNull()
                // the email lowercased: addresses are unique whatever their case
                t.column("email_key", .text).notNull().unique()
                t.column("password_hash", .text).notNull()
                t.column("about", .text).notNull().defaults(to: "")
                // the 2FA phone (E.164) once confirmed, and a number waiting for its code
                t.column("phone", .text)
                t.column("pending_phone", .text)
                // tokens and sessions from before this moment are void (password change, reset)
                t.column("sessions_valid_after", .double).notNull().defaults(to: 0)
                t.column("disabled_at", .double)
                t.column("created_at", .double).notNull()
                t.column("updated_at", .double).notNull()
            }
            // a password login waiting for its second factor (JSON clients hold the challenge)
            try db.create(table: "login_challenge") { t in
                t.primaryKey("token_hash", .text)
                t.column("account_id", .integer).notNull().references("account", onDelete: .cascade)
                t.column("expires_at", .double).notNull()
            }
            // hummingbird-auth's sessions, through ``SQLiteWebSessionStore``
            try db.create(table: "web_session") { t in
                t.primaryKey("key", .text)
                t.column("value", .blob).notNull()
                t.column("account_id", .integer).indexed()
                t.column("expires_at", .double)
            }
        }
        migrator.registerMigration("v3: rate-limit hits") { db in
            // one row per counted event; the key is a SHA-256 digest (``LimitStore``)
            try db.create(table: "limit_hit") { t in
                t.column("kind", .text).notNull()
                t.column("key_digest", .blob).notNull()
                t.column("at", .double).notNull()
            }
            try db.create(index: "limit_hit_by_key", on: "limit_hit", columns: ["kind", "key_digest", "at"])
            try db.create(index: "limit_hit_by_time", on: "limit_hit", columns: ["at"])
        }
        migrator.registerMigration("v4: authenticator apps, recovery codes, factor history") { db in
            try db.alter(table: "account") { t in
                // the Verify TOTP factor (YF…) once its first code was accepted, and one waiting for it
                t.add(column: "totp_factor_sid", .text)
                t.add(column: "pending_totp_sid", .text)
                // the digest and time of the last accepted TOTP code: the same code is not accepted
                // twice (RFC 6238 §5.2), though Verify would approve it again within its window
                t.add(column: "totp_last_code", .text)
                t.add(column: "totp_last_at", .double)
                // the phone a push login asks (a verified Verify push factor) and its name
                t.add(column: "push_factor_sid", .text)
                t.add(column: "push_device_name", .text)
            }
            // one-time codes for when every second factor is lost; only SHA-256 digests are kept
            try db.create(table: "recovery_code") { t in
                t.column("account_id", .integer).notNull().references("account", onDelete: .cascade)
                t.column("code_hash", .text).notNull()
                t.column("used_at", .double)
                t.primaryKey(["account_id", "code_hash"])
            }
            // what the profile lists: a factor added or removed, codes issued or used
            try db.create(table: "factor_event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("account_id", .integer).notNull().indexed().references("account", onDelete: .cascade)
                t.column("kind", .text).notNull()
                t.column("action", .text).notNull()
                t.column("at", .double).notNull()
            }
            // the account's passkeys: Verify passkeys factors, each a way to sign in without a password
            try db.create(table: "passkey") { t in
                t.primaryKey("factor_sid", .text)
                t.column("account_id", .integer).notNull().indexed().references("account", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("created_at", .double).notNull()
            }
            // a JSON login waiting for a push approval remembers the Verify challenge it made
            try db.alter(table: "login_challenge") { t in t.add(column: "push_challenge_sid", .text) }
        }
        return migrator
    }
}

extension SQLiteDatabase {
    /// A busy or locked database (another process's transaction outlasted the busy timeout) as
    /// ``StorageUnavailable``; nil for any other error.
    static func unavailable(_ error: any Error) -> StorageUnavailable? {
        guard let error = error as? DatabaseError,
            error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
        else { return nil }
        return StorageUnavailable(detail: "SQLite: \(error.message ?? "database is locked")")
    }
}
