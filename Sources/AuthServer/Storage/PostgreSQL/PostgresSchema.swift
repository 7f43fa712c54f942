/// The PostgreSQL schema, as named migrations applied in order (``PostgresDatabase/migrate()``).
/// The same tables as SQLite's (`SQLiteDatabase`), in PostgreSQL's types: times are seconds
/// since 1970 as `double precision`, digests and session values `bytea`, usernames unique
/// whatever their case through an index on `lower(username)`.
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
    ]
}
