import GRDB

/// The auth server's tables, in both databases side by side: SQLite's as GRDB migrations
/// (``SQLiteDatabase/migrator``), PostgreSQL's as named statements (``PostgresSchema``), each
/// migration once per database. The tables are the same; the types are each database's own:
/// times are seconds since 1970 (`REAL`, `double precision`), digests and session values bytes
/// (`BLOB`, `bytea`), and usernames unique whatever their case (a `NOCASE` unique column, a
/// unique index on `lower(username)`, which ``SQLDialect/Piece/caseFolded(column:)`` matches).
/// A new table or column is added in both, below the last migration of each.
extension SQLiteDatabase {
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
        migrator.registerMigration("v5: the SMS gate's breaker") { db in
            // codes sent and verified per country and minute, and each country's last trip
            try db.create(table: "sms_country_minute") { t in
                t.column("country", .text).notNull()
                t.column("minute", .integer).notNull()
                t.column("sends", .integer).notNull().defaults(to: 0)
                t.column("verified", .integer).notNull().defaults(to: 0)
                t.primaryKey(["country", "minute"])
            }
            try db.create(table: "sms_breaker") { t in
                t.primaryKey("country", .text)
                t.column("opened_at", .double).notNull()
                t.column("open_until", .double).notNull()
            }
        }
        migrator.registerMigration("v6: device sessions") { db in
            // a refresh-token family is a device's session: when and from where it was made and used
            try db.create(table: "token_family") { t in
                t.primaryKey("family", .text)
                t.column("subject", .text).notNull().indexed()
                t.column("created_at", .double).notNull()
                t.column("last_used_at", .double).notNull()
                t.column("ip", .text)
                t.column("user_agent", .text)
            }
        }
        migrator.registerMigration("v7: audit log, webhook outbox") { db in
            try db.create(table: "audit_event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .double).notNull().indexed()
                t.column("type", .text).notNull()
                t.column("subject", .text)
                t.column("actor", .text).notNull()
                t.column("ip", .text)
                t.column("user_agent", .text)
                // a JSON object of strings
                t.column("detail", .text).notNull()
            }
            try db.create(index: "audit_event_subject", on: "audit_event", columns: ["subject", "id"])
            // a Standard Webhooks message waiting to be delivered, or its outcome
            try db.create(table: "webhook_delivery") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("message_id", .text).notNull().unique()
                t.column("event_type", .text).notNull()
                t.column("payload", .text).notNull()
                t.column("created_at", .double).notNull()
                t.column("next_attempt_at", .double)
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("delivered_at", .double)
                t.column("last_status", .integer)
                t.column("last_error", .text)
            }
            try db.create(index: "webhook_delivery_due", on: "webhook_delivery", columns: ["next_attempt_at"])
        }
        migrator.registerMigration("v8: OpenID Connect authorization codes; sessions of a client") { db in
            // an authorization code, by its SHA-256, and what it grants; kept after use until
            // expired, so a replay is known and revokes what the first use issued (`family`)
            try db.create(table: "oauth_code") { t in
                t.primaryKey("code_hash", .text)
                t.column("client_id", .text).notNull()
                t.column("redirect_uri", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("scope", .text).notNull()
                t.column("nonce", .text)
                t.column("code_challenge", .text)
                t.column("auth_time", .double).notNull()
                t.column("amr", .text).notNull()
                t.column("ip", .text)
                t.column("user_agent", .text)
                t.column("expires_at", .double).notNull().indexed()
                t.column("used_at", .double)
                t.column("family", .text)
            }
            // a session started through a client is that client's: only it may refresh it
            try db.alter(table: "token_family") { t in
                t.add(column: "oauth_client", .text)
                t.add(column: "oauth_scope", .text)
            }
        }
        migrator.registerMigration("v9: OpenID Connect clients through the admin API; phone logins' web sessions") {
            db in
            try db.create(table: "oauth_client") { t in
                t.primaryKey("client_id", .text)
                t.column("name", .text).notNull()
                // bcrypt; NULL for a public client
                t.column("secret_hash", .text)
                t.column("redirect_uris", .text).notNull()
                t.column("post_logout_redirect_uris", .text).notNull()
                t.column("scopes", .text).notNull()
                t.column("id_token_alg", .text).notNull()
                t.column("created_at", .double).notNull()
            }
            try db.create(index: "token_family_oauth_client", on: "token_family", columns: ["oauth_client"])
            // the number a web session is signed in as, so a phone login's deletion ends it
            try db.alter(table: "web_session") { t in t.add(column: "phone_number", .text) }
            try db.create(index: "web_session_phone_number", on: "web_session", columns: ["phone_number"])
        }
        return migrator
    }
}

enum PostgresSchema {
    struct Migration: Sendable {
        var name: String
        var statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(
            name: "v1: accounts, tokens, sessions, limits, second factors",
            statements: [
                """
                CREATE TABLE refresh_token (
                    id bigserial PRIMARY KEY,
                    token_hash text NOT NULL UNIQUE,
                    family text NOT NULL,
                    subject text NOT NULL,
                    created_at double precision NOT NULL,
                    expires_at double precision NOT NULL,
                    used_at double precision,
                    revoked_at double precision)
                """,
                "CREATE INDEX refresh_token_family ON refresh_token (family)",
                "CREATE INDEX refresh_token_subject ON refresh_token (subject)",
                "CREATE TABLE revoked_jti (jti text PRIMARY KEY, expires_at double precision NOT NULL)",
                """
                CREATE TABLE account (
                    id bigserial PRIMARY KEY,
                    sid text NOT NULL UNIQUE,
                    username text NOT NULL,
                    email text NOT NULL,
                    email_key text NOT NULL,
                    password_hash text NOT NULL,
                    about text NOT NULL DEFAULT '',
                    phone text,
                    pending_phone text,
                    sessions_valid_after double precision NOT NULL DEFAULT 0,
                    disabled_at double precision,
                    created_at double precision NOT NULL,
                    updated_at double precision NOT NULL,
                    totp_factor_sid text,
                    pending_totp_sid text,
                    totp_last_code text,
                    totp_last_at double precision,
                    push_factor_sid text,
                    push_device_name text)
                """,
                "CREATE UNIQUE INDEX account_username_key ON account (lower(username))",
                "CREATE UNIQUE INDEX account_email_key ON account (email_key)",
                """
                CREATE TABLE login_challenge (
                    token_hash text PRIMARY KEY,
                    account_id bigint NOT NULL REFERENCES account (id) ON DELETE CASCADE,
                    expires_at double precision NOT NULL,
                    push_challenge_sid text)
                """,
                """
                CREATE TABLE web_session (
                    key text PRIMARY KEY,
                    value bytea NOT NULL,
                    account_id bigint,
                    expires_at double precision)
                """,
                "CREATE INDEX web_session_account ON web_session (account_id)",
                "CREATE TABLE limit_hit (kind text NOT NULL, key_digest bytea NOT NULL, at double precision NOT NULL)",
                "CREATE INDEX limit_hit_by_key ON limit_hit (kind, key_digest, at)",
                "CREATE INDEX limit_hit_by_time ON limit_hit (at)",
                """
                CREATE TABLE recovery_code (
                    account_id bigint NOT NULL REFERENCES account (id) ON DELETE CASCADE,
                    code_hash text NOT NULL,
                    used_at double precision,
                    PRIMARY KEY (account_id, code_hash))
                """,
                """
                CREATE TABLE factor_event (
                    id bigserial PRIMARY KEY,
                    account_id bigint NOT NULL REFERENCES account (id) ON DELETE CASCADE,
                    kind text NOT NULL,
                    action text NOT NULL,
                    at double precision NOT NULL)
                """,
                "CREATE INDEX factor_event_account ON factor_event (account_id)",
                """
                CREATE TABLE passkey (
                    factor_sid text PRIMARY KEY,
                    account_id bigint NOT NULL REFERENCES account (id) ON DELETE CASCADE,
                    name text NOT NULL,
                    created_at double precision NOT NULL)
                """,
                "CREATE INDEX passkey_account ON passkey (account_id)",
            ]),
        Migration(
            name: "v2: limit hits counted in one round trip",
            statements: [
                // What PostgresLimitStore did in ten statements, in one call: per key, the
                // advisory lock, the purge of old hits, the count, and the hit. (Each statement in
                // a volatile function reads a fresh snapshot, so the count after the lock sees
                // every hit committed by whoever held it; the count stops at the limit, all it needs to know.) Stops at the first key over its limit,
                // whose Retry-After in seconds it returns; NULL when every key took its hit.
                """
                CREATE FUNCTION limit_hit_record(
                    p_kinds text[], p_digests bytea[], p_windows double precision[], p_limits integer[],
                    p_now double precision)
                RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
                DECLARE
                    hits bigint;
                    oldest double precision;
                BEGIN
                    FOR i IN 1 .. coalesce(array_length(p_kinds, 1), 0) LOOP
                        PERFORM pg_advisory_xact_lock(hashtextextended(p_kinds[i] || encode(p_digests[i], 'hex'), 0));
                        DELETE FROM limit_hit
                            WHERE kind = p_kinds[i] AND key_digest = p_digests[i] AND at <= p_now - p_windows[i];
                        SELECT count(*), min(at) INTO hits, oldest FROM (
                            SELECT at FROM limit_hit WHERE kind = p_kinds[i] AND key_digest = p_digests[i]
                            ORDER BY at LIMIT p_limits[i]) counted;
                        IF hits >= p_limits[i] THEN
                            RETURN greatest(1, ceil(coalesce(oldest, p_now) + p_windows[i] - p_now))::integer;
                        END IF;
                        INSERT INTO limit_hit (kind, key_digest, at) VALUES (p_kinds[i], p_digests[i], p_now);
                    END LOOP;
                    RETURN NULL;
                END
                $$
                """
            ]),
        Migration(
            name: "v3: the SMS gate's breaker",
            statements: [
                """
                CREATE TABLE sms_country_minute (
                    country text NOT NULL,
                    minute bigint NOT NULL,
                    sends bigint NOT NULL DEFAULT 0,
                    verified bigint NOT NULL DEFAULT 0,
                    PRIMARY KEY (country, minute))
                """,
                """
                CREATE TABLE sms_breaker (
                    country text PRIMARY KEY,
                    opened_at double precision NOT NULL,
                    open_until double precision NOT NULL)
                """,
            ]),
        Migration(
            name: "v4: device sessions",
            statements: [
                """
                CREATE TABLE token_family (
                    family text PRIMARY KEY,
                    subject text NOT NULL,
                    created_at double precision NOT NULL,
                    last_used_at double precision NOT NULL,
                    ip text,
                    user_agent text)
                """,
                "CREATE INDEX token_family_subject ON token_family (subject)",
            ]),
        Migration(
            name: "v5: audit log, webhook outbox",
            statements: [
                """
                CREATE TABLE audit_event (
                    id bigserial PRIMARY KEY,
                    at double precision NOT NULL,
                    type text NOT NULL,
                    subject text,
                    actor text NOT NULL,
                    ip text,
                    user_agent text,
                    detail text NOT NULL)
                """,
                "CREATE INDEX audit_event_at ON audit_event (at)",
                "CREATE INDEX audit_event_subject ON audit_event (subject, id)",
                """
                CREATE TABLE webhook_delivery (
                    id bigserial PRIMARY KEY,
                    message_id text NOT NULL UNIQUE,
                    event_type text NOT NULL,
                    payload text NOT NULL,
                    created_at double precision NOT NULL,
                    next_attempt_at double precision,
                    attempts integer NOT NULL DEFAULT 0,
                    delivered_at double precision,
                    last_status integer,
                    last_error text)
                """,
                "CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at)",
            ]),
        Migration(
            name: "v6: OpenID Connect authorization codes; sessions of a client",
            statements: [
                """
                CREATE TABLE oauth_code (
                    code_hash text PRIMARY KEY,
                    client_id text NOT NULL,
                    redirect_uri text NOT NULL,
                    subject text NOT NULL,
                    scope text NOT NULL,
                    nonce text,
                    code_challenge text,
                    auth_time double precision NOT NULL,
                    amr text NOT NULL,
                    ip text,
                    user_agent text,
                    expires_at double precision NOT NULL,
                    used_at double precision,
                    family text)
                """,
                "CREATE INDEX oauth_code_expires_at ON oauth_code (expires_at)",
                "ALTER TABLE token_family ADD COLUMN oauth_client text, ADD COLUMN oauth_scope text",
            ]),
        Migration(
            name: "v7: OpenID Connect clients through the admin API; phone logins' web sessions",
            statements: [
                """
                CREATE TABLE oauth_client (
                    client_id text PRIMARY KEY,
                    name text NOT NULL,
                    secret_hash text,
                    redirect_uris text NOT NULL,
                    post_logout_redirect_uris text NOT NULL,
                    scopes text NOT NULL,
                    id_token_alg text NOT NULL,
                    created_at double precision NOT NULL)
                """,
                "CREATE INDEX token_family_oauth_client ON token_family (oauth_client)",
                "ALTER TABLE web_session ADD COLUMN phone_number text",
                "CREATE INDEX web_session_phone_number ON web_session (phone_number)",
            ]),
        Migration(
            name: "v8: limit hits counted within their window, without a delete per hit",
            statements: [
                // The same call as v2's, in two statements per key instead of four: the hit is
                // inserted only when the key's hits within the window (read through the index on
                // kind, key, time) are under the limit, so expired hits need not be deleted first
                // (the sweeper removes them every minute), and the oldest counted hit is read only
                // for a refusal's Retry-After. Each statement reads a fresh snapshot after the
                // lock, as before. A login makes two such calls.
                """
                CREATE OR REPLACE FUNCTION limit_hit_record(
                    p_kinds text[], p_digests bytea[], p_windows double precision[], p_limits integer[],
                    p_now double precision)
                RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
                DECLARE
                    oldest double precision;
                BEGIN
                    FOR i IN 1 .. coalesce(array_length(p_kinds, 1), 0) LOOP
                        PERFORM pg_advisory_xact_lock(hashtextextended(p_kinds[i] || encode(p_digests[i], 'hex'), 0));
                        INSERT INTO limit_hit (kind, key_digest, at)
                            SELECT p_kinds[i], p_digests[i], p_now
                            WHERE (SELECT count(*) FROM (
                                SELECT 1 FROM limit_hit WHERE kind = p_kinds[i] AND key_digest = p_digests[i]
                                    AND at > p_now - p_windows[i]
                                LIMIT p_limits[i]) counted) < p_limits[i];
                        IF NOT FOUND THEN
                            SELECT min(at) INTO oldest FROM (
                                SELECT at FROM limit_hit WHERE kind = p_kinds[i] AND key_digest = p_digests[i]
                                    AND at > p_now - p_windows[i]
                                ORDER BY at LIMIT p_limits[i]) counted;
                            RETURN greatest(1, ceil(coalesce(oldest, p_now) + p_windows[i] - p_now))::integer;
                        END IF;
                    END LOOP;
                    RETURN NULL;
                END
                $$
                """
            ]),
    ]
}
