#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The account's second factors as the auth server keeps them: the confirmed SMS number, TOTP
/// factor and push phone (on the account), recovery codes (digests), passkeys, and the history
/// the profile shows. Turning a factor on or off follows the recovery-code rule
/// (`Accounts/RecoveryCodesFollowFactors.swift`), in one transaction with its event, so the
/// history never disagrees with the account.
struct SecondFactorStore: Sendable {
    let database: any SQLDatabase

    /// One transaction over the factor tables (``FactorRows``).
    func write<Result: Sendable>(
        _ body: @escaping @Sendable (FactorRows) async throws -> Result
    ) async throws
        -> Result
    {
        try await database.write { db in try await body(FactorRows(db: db)) }
    }

    func setPendingTOTP(accountID: Int64, factorSid: String?) async throws {
        try await database.run("UPDATE account SET pending_totp_sid = \(factorSid) WHERE id = \(accountID)")
    }

    /// Takes a TOTP code Verify approved, unless this account used the same code within the
    /// last `window` seconds: false is a replay. The update is the check, as for recovery codes.
    func acceptTOTPCode(
        accountID: Int64, factorSid: String, code: String, now: Date, window: Double
    ) async throws -> Bool {
        let digest = OpaqueToken.hash(factorSid + ":" + code)
        let time = now.timeIntervalSince1970
        return try await database.run(
            """
            UPDATE account SET totp_last_code = \(digest), totp_last_at = \(time)
            WHERE id = \(accountID)
              AND NOT (totp_last_code IS NOT DISTINCT FROM \(digest) AND totp_last_at > \(time - window))
            RETURNING 1
            """
        ).count == 1
    }

    // MARK: Passkeys

    func addPasskey(accountID: Int64, factorSid: String, name: String, now: Date) async throws {
        let time = now.timeIntervalSince1970
        try await write { rows in
            let added = try await rows.db.changes(
                """
                INSERT INTO passkey (factor_sid, account_id, name, created_at)
                VALUES (\(factorSid), \(accountID), \(name), \(time)) ON CONFLICT DO NOTHING RETURNING 1
                """)
            if added == 1 { try await rows.record(accountID, .passkey, .added, now) }
        }
    }

    /// Removes one of the account's passkeys; false when it has no such passkey.
    func removePasskey(accountID: Int64, factorSid: String, now: Date) async throws -> Bool {
        try await write { rows in
            let removed = try await rows.db.changes(
                "DELETE FROM passkey WHERE factor_sid = \(factorSid) AND account_id = \(accountID) RETURNING 1")
            guard removed == 1 else { return false }
            try await rows.record(accountID, .passkey, .removed, now)
            return true
        }
    }

    func passkeys(accountID: Int64) async throws -> [StoredPasskey] {
        try await database.read { db in
            try await db.fetchAll(
                "SELECT factor_sid, name, created_at FROM passkey WHERE account_id = \(accountID) ORDER BY created_at"
            ).map { StoredPasskey(factorSid: try $0.decode(0), name: try $0.decode(1), createdAt: try $0.decode(2)) }
        }
    }

    /// The account a passkey belongs to, if it is one this server registered.
    func passkeyOwner(factorSid: String) async throws -> Int64? {
        try await database.read { db in
            try await db.fetchValue("SELECT account_id FROM passkey WHERE factor_sid = \(factorSid)")
        }
    }

    // MARK: Recovery codes

    /// A new set of recovery codes; the old ones stop working.
    func replaceRecoveryCodes(accountID: Int64, codes: [String], now: Date) async throws {
        try await write { rows in try await rows.replaceRecoveryCodes(accountID, codes, now) }
    }

    /// Spends one recovery code: true when it was the account's and unused. The update is the
    /// check, so one code cannot sign in twice even from two requests at the same moment.
    func useRecoveryCode(accountID: Int64, code: String, now: Date) async throws -> Bool {
        guard let digest = RecoveryCodes.digest(code) else { return false }
        let time = now.timeIntervalSince1970
        return try await write { rows in
            let spent = try await rows.db.changes(
                """
                UPDATE recovery_code SET used_at = \(time)
                WHERE account_id = \(accountID) AND code_hash = \(digest) AND used_at IS NULL RETURNING 1
                """)
            guard spent == 1 else { return false }
            try await rows.record(accountID, .recoveryCodes, .used, now)
            return true
        }
    }

    func unusedRecoveryCodes(accountID: Int64) async throws -> Int {
        try await database.read { db in
            try await db.fetchValue(
                "SELECT count(*) FROM recovery_code WHERE account_id = \(accountID) AND used_at IS NULL") ?? 0
        }
    }

    /// The newest events first.
    func events(accountID: Int64, limit: Int = 20) async throws -> [FactorEvent] {
        try await database.read { db in
            try await db.fetchAll(
                "SELECT kind, action, at FROM factor_event WHERE account_id = \(accountID) ORDER BY id DESC LIMIT \(limit)"
            ).compactMap { row in
                guard let subject = FactorEvent.Subject(rawValue: try row.decode(0)),
                    let action = FactorEvent.Action(rawValue: try row.decode(1))
                else { return nil }
                return FactorEvent(subject: subject, action: action, at: try row.decode(2))
            }
        }
    }
}

/// A factor change as the profile lists it.
struct FactorEvent: Sendable, Equatable {
    var subject: Subject
    var action: Action
    var at: Double

    /// What happened.
    enum Action: String, Sendable {
        case added, removed
        /// Recovery codes: a new set was issued (the old ones void), or one was used.
        case issued, used
    }

    /// What it happened to: a factor, or the recovery codes.
    enum Subject: String, Sendable {
        case totp, sms, push, passkey
        case recoveryCodes = "recovery_codes"
    }
}

/// One of the account's passkeys (a Verify passkeys factor).
struct StoredPasskey: Sendable, Equatable {
    var factorSid: String
    var name: String
    var createdAt: Double
}
