import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ``SecondFactorStore`` in PostgreSQL. A change locks the account's row first (`FOR UPDATE`),
/// so two replicas turning factors on for one account at once cannot both issue "the first"
/// recovery codes; spending a code or a TOTP step is one conditional UPDATE, as in SQLite.
struct PostgresSecondFactorStore: SecondFactorStore {
    let database: PostgresDatabase

    private var logger: Logger { database.logger }

    func enableSMS(accountID: Int64, phone: String, recoveryCodes: [String], now: Date) async throws -> Bool {
        try await turnOn(.sms, accountID, recoveryCodes, now) { connection, time in
            try await connection.query(
                """
                UPDATE account SET phone = \(phone), pending_phone = NULL, updated_at = \(time) WHERE id = \(accountID)
                """, logger: logger)
        }
    }

    func disableSMS(accountID: Int64, now: Date) async throws {
        try await turnOff(.sms, accountID, now) { connection, time in
            try await connection.query(
                "UPDATE account SET phone = NULL, pending_phone = NULL, updated_at = \(time) WHERE id = \(accountID)",
                logger: logger)
        }
    }

    func setPendingTOTP(accountID: Int64, factorSid: String?) async throws {
        try await database.query(
            "UPDATE account SET pending_totp_sid = \(factorSid) WHERE id = \(accountID)", logger: logger)
    }

    func enableTOTP(accountID: Int64, factorSid: String, recoveryCodes: [String], now: Date) async throws -> Bool {
        try await turnOn(.totp, accountID, recoveryCodes, now) { connection, time in
            try await connection.query(
                """
                UPDATE account SET totp_factor_sid = \(factorSid), pending_totp_sid = NULL, updated_at = \(time)
                WHERE id = \(accountID)
                """, logger: logger)
        }
    }

    func disableTOTP(accountID: Int64, now: Date) async throws {
        try await turnOff(.totp, accountID, now) { connection, time in
            try await connection.query(
                """
                UPDATE account SET totp_factor_sid = NULL, pending_totp_sid = NULL, updated_at = \(time)
                WHERE id = \(accountID)
                """, logger: logger)
        }
    }

    func acceptTOTPCode(
        accountID: Int64, factorSid: String, code: String, now: Date, window: Double
    ) async throws -> Bool {
        let digest = OpaqueToken.hash(factorSid + ":" + code)
        let time = now.timeIntervalSince1970
        return try await Self.count(
            try await database.query(
                """
                UPDATE account SET totp_last_code = \(digest), totp_last_at = \(time)
                WHERE id = \(accountID)
                  AND NOT (totp_last_code IS NOT DISTINCT FROM \(digest) AND totp_last_at > \(time - window))
                RETURNING 1
                """, logger: logger)) == 1
    }

    func enablePush(
        accountID: Int64, factorSid: String, name: String, recoveryCodes: [String], now: Date
    ) async throws -> Bool {
        let time = now.timeIntervalSince1970
        return try await database.transaction { connection -> Bool in
            let (hadFactor, replaced) = try await Self.lock(connection, accountID, logger)
            guard replaced != factorSid else { return false }
            try await connection.query(
                """
                UPDATE account SET push_factor_sid = \(factorSid), push_device_name = \(name), updated_at = \(time)
                WHERE id = \(accountID)
                """, logger: logger)
            if replaced != nil { try await Self.record(connection, accountID, .push, .removed, time, logger) }
            try await Self.record(connection, accountID, .push, .added, time, logger)
            if !hadFactor { try await Self.replaceCodes(connection, accountID, recoveryCodes, time, logger) }
            return !hadFactor
        }
    }

    func disablePush(accountID: Int64, now: Date) async throws {
        let time = now.timeIntervalSince1970
        try await database.transaction { connection in
            _ = try await Self.lock(connection, accountID, logger)
            let changed = try await Self.count(
                try await connection.query(
                    """
                    UPDATE account SET push_factor_sid = NULL, push_device_name = NULL, updated_at = \(time)
                    WHERE id = \(accountID) AND push_factor_sid IS NOT NULL RETURNING 1
                    """, logger: logger))
            guard changed == 1 else { return }
            try await Self.record(connection, accountID, .push, .removed, time, logger)
            try await Self.dropCodesIfNoFactor(connection, accountID, logger)
        }
    }

    // MARK: Passkeys

    func addPasskey(accountID: Int64, factorSid: String, name: String, now: Date) async throws {
        let time = now.timeIntervalSince1970
        try await database.transaction { connection in
            let added = try await Self.count(
                try await connection.query(
                    """
                    INSERT INTO passkey (factor_sid, account_id, name, created_at)
                    VALUES (\(factorSid), \(accountID), \(name), \(time)) ON CONFLICT DO NOTHING RETURNING 1
                    """, logger: logger))
            if added == 1 { try await Self.record(connection, accountID, .passkey, .added, time, logger) }
        }
    }

    func removePasskey(accountID: Int64, factorSid: String, now: Date) async throws -> Bool {
        let time = now.timeIntervalSince1970
        return try await database.transaction { connection -> Bool in
            let removed = try await Self.count(
                try await connection.query(
                    "DELETE FROM passkey WHERE factor_sid = \(factorSid) AND account_id = \(accountID) RETURNING 1",
                    logger: logger))
            guard removed == 1 else { return false }
            try await Self.record(connection, accountID, .passkey, .removed, time, logger)
            return true
        }
    }

    func passkeys(accountID: Int64) async throws -> [StoredPasskey] {
        var passkeys: [StoredPasskey] = []
        for (sid, name, created) in try await database.query(
            "SELECT factor_sid, name, created_at FROM passkey WHERE account_id = \(accountID) ORDER BY created_at",
            logger: logger
        ).decode((String, String, Double).self) {
            passkeys.append(StoredPasskey(factorSid: sid, name: name, createdAt: created))
        }
        return passkeys
    }

    func passkeyOwner(factorSid: String) async throws -> Int64? {
        for id in try await database.query(
            "SELECT account_id FROM passkey WHERE factor_sid = \(factorSid)", logger: logger
        ).decode(Int64.self) {
            return id
        }
        return nil
    }

    // MARK: Recovery codes

    func replaceRecoveryCodes(accountID: Int64, codes: [String], now: Date) async throws {
        try await database.transaction { connection in
            try await Self.replaceCodes(connection, accountID, codes, now.timeIntervalSince1970, logger)
        }
    }

    func useRecoveryCode(accountID: Int64, code: String, now: Date) async throws -> Bool {
        guard let digest = RecoveryCodes.digest(code) else { return false }
        let time = now.timeIntervalSince1970
        return try await database.transaction { connection -> Bool in
            let spent = try await Self.count(
                try await connection.query(
                    """
                    UPDATE recovery_code SET used_at = \(time)
                    WHERE account_id = \(accountID) AND code_hash = \(digest) AND used_at IS NULL RETURNING 1
                    """, logger: logger))
            guard spent == 1 else { return false }
            try await Self.record(connection, accountID, .recoveryCodes, .used, time, logger)
            return true
        }
    }

    func unusedRecoveryCodes(accountID: Int64) async throws -> Int {
        for count in try await database.query(
            "SELECT count(*) FROM recovery_code WHERE account_id = \(accountID) AND used_at IS NULL", logger: logger
        ).decode(Int64.self) {
            return Int(count)
        }
        return 0
    }

    func events(accountID: Int64, limit: Int) async throws -> [FactorEvent] {
        var events: [FactorEvent] = []
        for (kind, action, at) in try await database.query(
            """
            SELECT kind, action, at FROM factor_event WHERE account_id = \(accountID) ORDER BY id DESC
            LIMIT \(Int64(limit))
            """, logger: logger
        ).decode((String, String, Double).self) {
            guard let subject = FactorEvent.Subject(rawValue: kind), let action = FactorEvent.Action(rawValue: action)
            else { continue }
            events.append(FactorEvent(subject: subject, action: action, at: at))
        }
        return events
    }

    // MARK: Inside a transaction

    private func turnOn(
        _ subject: FactorEvent.Subject, _ accountID: Int64, _ recoveryCodes: [String], _ now: Date,
        _ update: @escaping @Sendable (PostgresConnection, Double) async throws -> Void
    ) async throws -> Bool {
        let time = now.timeIntervalSince1970
        return try await database.transaction { connection -> Bool in
            let (hadFactor, _) = try await Self.lock(connection, accountID, logger)
            try await update(connection, time)
            try await Self.record(connection, accountID, subject, .added, time, logger)
            if !hadFactor { try await Self.replaceCodes(connection, accountID, recoveryCodes, time, logger) }
            return !hadFactor
        }
    }

    private func turnOff(
        _ subject: FactorEvent.Subject, _ accountID: Int64, _ now: Date,
        _ update: @escaping @Sendable (PostgresConnection, Double) async throws -> Void
    ) async throws {
        let time = now.timeIntervalSince1970
        try await database.transaction { connection in
            _ = try await Self.lock(connection, accountID, logger)
            try await update(connection, time)
            try await Self.record(connection, accountID, subject, .removed, time, logger)
            try await Self.dropCodesIfNoFactor(connection, accountID, logger)
        }
    }

    /// Locks the account's row; whether it has any factor on, and its push phone.
    private static func lock(
        _ connection: PostgresConnection, _ accountID: Int64, _ logger: Logger
    ) async throws -> (hasFactor: Bool, push: String?) {
        for try await (hasFactor, push) in try await connection.query(
            """
            SELECT phone IS NOT NULL OR totp_factor_sid IS NOT NULL OR push_factor_sid IS NOT NULL, push_factor_sid
            FROM account WHERE id = \(accountID) FOR UPDATE
            """, logger: logger
        ).decode((Bool, String?).self) {
            return (hasFactor, push)
        }
        return (false, nil)
    }

    private static func replaceCodes(
        _ connection: PostgresConnection, _ accountID: Int64, _ codes: [String], _ time: Double, _ logger: Logger
    ) async throws {
        try await connection.query("DELETE FROM recovery_code WHERE account_id = \(accountID)", logger: logger)
        for digest in Set(codes.compactMap(RecoveryCodes.digest)) {
            try await connection.query(
                "INSERT INTO recovery_code (account_id, code_hash) VALUES (\(accountID), \(digest))", logger: logger)
        }
        try await record(connection, accountID, .recoveryCodes, .issued, time, logger)
    }

    private static func dropCodesIfNoFactor(
        _ connection: PostgresConnection, _ accountID: Int64, _ logger: Logger
    ) async throws {
        try await connection.query(
            """
            DELETE FROM recovery_code WHERE account_id = \(accountID) AND NOT EXISTS (
                SELECT 1 FROM account WHERE id = \(accountID)
                AND (phone IS NOT NULL OR totp_factor_sid IS NOT NULL OR push_factor_sid IS NOT NULL))
            """, logger: logger)
    }

    private static func record(
        _ connection: PostgresConnection, _ accountID: Int64, _ subject: FactorEvent.Subject,
        _ action: FactorEvent.Action, _ time: Double, _ logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO factor_event (account_id, kind, action, at)
            VALUES (\(accountID), \(subject.rawValue), \(action.rawValue), \(time))
            """, logger: logger)
    }

    /// How many rows a `RETURNING 1` statement touched.
    static func count(_ rows: [PostgresRow]) -> Int { rows.count }

    /// How many rows a `RETURNING 1` statement touched.
    static func count(_ rows: PostgresRowSequence) async throws -> Int {
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }
}
