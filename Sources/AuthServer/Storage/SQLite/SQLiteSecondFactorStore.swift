import GRDB

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ``SecondFactorStore`` in SQLite: the factors on the account row, `recovery_code`,
/// `factor_event` and `passkey`; each change and its event in one transaction.
struct SQLiteSecondFactorStore: SecondFactorStore {
    let writer: any DatabaseWriter

    // MARK: Turning factors on and off

    func enableSMS(accountID: Int64, phone: String, recoveryCodes: [String], now: Date) async throws -> Bool {
        try await turnOn(
            .sms, accountID, set: "phone = ?, pending_phone = NULL", value: phone, recoveryCodes: recoveryCodes, now)
    }

    func disableSMS(accountID: Int64, now: Date) async throws {
        try await turnOff(.sms, accountID, set: "phone = NULL, pending_phone = NULL", now)
    }

    func setPendingTOTP(accountID: Int64, factorSid: String?) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE account SET pending_totp_sid = ? WHERE id = ?", arguments: [factorSid, accountID])
        }
    }

    func enableTOTP(accountID: Int64, factorSid: String, recoveryCodes: [String], now: Date) async throws -> Bool {
        try await turnOn(
            .totp, accountID, set: "totp_factor_sid = ?, pending_totp_sid = NULL", value: factorSid,
            recoveryCodes: recoveryCodes, now)
    }

    func disableTOTP(accountID: Int64, now: Date) async throws {
        try await turnOff(.totp, accountID, set: "totp_factor_sid = NULL, pending_totp_sid = NULL", now)
    }

    /// One transaction: the account's columns for `subject` set (`assignments` takes `value`),
    /// the event recorded, and the recovery codes stored when this is the first factor.
    private func turnOn(
        _ subject: FactorEvent.Subject, _ accountID: Int64, set assignments: String, value: String,
        recoveryCodes: [String],
        _ now: Date
    ) async throws -> Bool {
        try await writer.write { db in
            let first = try !Self.hasFactor(db, accountID)
            try db.execute(
                sql: "UPDATE account SET \(assignments), updated_at = ? WHERE id = ?",
                arguments: [value, now.timeIntervalSince1970, accountID])
            try Self.record(db, accountID, subject, .added, now)
            if first { try Self.replaceCodes(db, accountID, recoveryCodes, now) }
            return first
        }
    }

    /// One transaction: the columns cleared, the event recorded, and the recovery codes dropped
    /// when no factor is left.
    private func turnOff(
        _ subject: FactorEvent.Subject, _ accountID: Int64, set assignments: String, _ now: Date
    ) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE account SET \(assignments), updated_at = ? WHERE id = ?",
                arguments: [now.timeIntervalSince1970, accountID])
            try Self.record(db, accountID, subject, .removed, now)
            try Self.dropCodesIfNoFactor(db, accountID)
        }
    }

    func acceptTOTPCode(
        accountID: Int64, factorSid: String, code: String, now: Date, window: Double
    ) async throws
        -> Bool
    {
        let digest = OpaqueToken.hash(factorSid + ":" + code)
        let time = now.timeIntervalSince1970
        return try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE account SET totp_last_code = ?, totp_last_at = ?
                    WHERE id = ? AND NOT (totp_last_code IS ? AND totp_last_at > ?)
                    """,
                arguments: [digest, time, accountID, digest, time - window])
            return db.changesCount == 1
        }
    }

    func enablePush(
        accountID: Int64, factorSid: String, name: String, recoveryCodes: [String], now: Date
    ) async throws -> Bool {
        try await writer.write { db in
            let first = try !Self.hasFactor(db, accountID)
            let replaced = try String.fetchOne(
                db, sql: "SELECT push_factor_sid FROM account WHERE id = ?", arguments: [accountID])
            guard replaced != factorSid else { return false }
            try db.execute(
                sql: "UPDATE account SET push_factor_sid = ?, push_device_name = ?, updated_at = ? WHERE id = ?",
                arguments: [factorSid, name, now.timeIntervalSince1970, accountID])
            if replaced != nil { try Self.record(db, accountID, .push, .removed, now) }
            try Self.record(db, accountID, .push, .added, now)
            if first { try Self.replaceCodes(db, accountID, recoveryCodes, now) }
            return first
        }
    }

    func disablePush(accountID: Int64, now: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE account SET push_factor_sid = NULL, push_device_name = NULL, updated_at = ?
                    WHERE id = ? AND push_factor_sid IS NOT NULL
                    """,
                arguments: [now.timeIntervalSince1970, accountID])
            guard db.changesCount == 1 else { return }
            try Self.record(db, accountID, .push, .removed, now)
            try Self.dropCodesIfNoFactor(db, accountID)
        }
    }

    // MARK: Passkeys

    func addPasskey(accountID: Int64, factorSid: String, name: String, now: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO passkey (factor_sid, account_id, name, created_at) VALUES (?, ?, ?, ?)",
                arguments: [factorSid, accountID, name, now.timeIntervalSince1970])
            if db.changesCount == 1 { try Self.record(db, accountID, .passkey, .added, now) }
        }
    }

    func removePasskey(accountID: Int64, factorSid: String, now: Date) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: "DELETE FROM passkey WHERE factor_sid = ? AND account_id = ?", arguments: [factorSid, accountID])
            guard db.changesCount == 1 else { return false }
            try Self.record(db, accountID, .passkey, .removed, now)
            return true
        }
    }

    func passkeys(accountID: Int64) async throws -> [StoredPasskey] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT factor_sid, name, created_at FROM passkey WHERE account_id = ? ORDER BY created_at",
                arguments: [accountID]
            ).map { StoredPasskey(factorSid: $0[0], name: $0[1], createdAt: $0[2]) }
        }
    }

    func passkeyOwner(factorSid: String) async throws -> Int64? {
        try await writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT account_id FROM passkey WHERE factor_sid = ?", arguments: [factorSid])
        }
    }

    // MARK: Recovery codes

    func replaceRecoveryCodes(accountID: Int64, codes: [String], now: Date) async throws {
        try await writer.write { db in try Self.replaceCodes(db, accountID, codes, now) }
    }

    func useRecoveryCode(accountID: Int64, code: String, now: Date) async throws -> Bool {
        guard let digest = RecoveryCodes.digest(code) else { return false }
        return try await writer.write { db in
            try db.execute(
                sql: "UPDATE recovery_code SET used_at = ? WHERE account_id = ? AND code_hash = ? AND used_at IS NULL",
                arguments: [now.timeIntervalSince1970, accountID, digest])
            guard db.changesCount == 1 else { return false }
            try Self.record(db, accountID, .recoveryCodes, .used, now)
            return true
        }
    }

    func unusedRecoveryCodes(accountID: Int64) async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM recovery_code WHERE account_id = ? AND used_at IS NULL",
                arguments: [accountID]) ?? 0
        }
    }

    func events(accountID: Int64, limit: Int) async throws -> [FactorEvent] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT kind, action, at FROM factor_event WHERE account_id = ? ORDER BY id DESC LIMIT ?",
                arguments: [accountID, limit]
            ).compactMap { row in
                guard let subject = FactorEvent.Subject(rawValue: row[0]),
                    let action = FactorEvent.Action(rawValue: row[1])
                else { return nil }
                return FactorEvent(subject: subject, action: action, at: row[2])
            }
        }
    }

    // MARK: Inside a transaction

    private static func hasFactor(_ db: Database, _ accountID: Int64) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT phone IS NOT NULL OR totp_factor_sid IS NOT NULL OR push_factor_sid IS NOT NULL
                FROM account WHERE id = ?
                """,
            arguments: [accountID]) ?? false
    }

    private static func replaceCodes(_ db: Database, _ accountID: Int64, _ codes: [String], _ now: Date) throws {
        try db.execute(sql: "DELETE FROM recovery_code WHERE account_id = ?", arguments: [accountID])
        for digest in codes.compactMap(RecoveryCodes.digest) {
            try db.execute(
                sql: "INSERT OR IGNORE INTO recovery_code (account_id, code_hash) VALUES (?, ?)",
                arguments: [accountID, digest])
        }
        try record(db, accountID, .recoveryCodes, .issued, now)
    }

    /// With no factor left the codes would be a way in to nothing: they go.
    private static func dropCodesIfNoFactor(_ db: Database, _ accountID: Int64) throws {
        guard try !hasFactor(db, accountID) else { return }
        try db.execute(sql: "DELETE FROM recovery_code WHERE account_id = ?", arguments: [accountID])
    }

    private static func record(
        _ db: Database, _ accountID: Int64, _ subject: FactorEvent.Subject, _ action: FactorEvent.Action, _ now: Date
    ) throws {
        try db.execute(
            sql: "INSERT INTO factor_event (account_id, kind, action, at) VALUES (?, ?, ?, ?)",
            arguments: [accountID, subject.rawValue, action.rawValue, now.timeIntervalSince1970])
    }
}
