#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The factor tables' statements inside one transaction (``SecondFactorStore/write(_:)``): the
/// factor columns on the account row, `recovery_code` and `factor_event`. The rule that composes
/// them is in `Accounts/RecoveryCodesFollowFactors.swift`.
struct FactorRows: Sendable {
    let db: any SQLConnection

    /// The account's factor columns, its row locked until the transaction ends (so two
    /// replicas turning factors on at once cannot both see "no factor yet").
    func lockFactors(_ accountID: Int64) async throws -> (any: Bool, push: String?) {
        guard
            let row = try await db.fetchOne(
                """
                SELECT phone IS NOT NULL OR totp_factor_sid IS NOT NULL OR push_factor_sid IS NOT NULL, push_factor_sid
                FROM account WHERE id = \(accountID) \(.lockRows)
                """)
        else { return (false, nil) }
        return (try row.decode(0), try row.decode(1))
    }

    /// Sets the columns of one factor (`nil` turns it off, clearing what was pending for it);
    /// returns how many rows changed (0 when `onlyIfSet` and the factor was already off).
    @discardableResult
    func set(_ factor: FactorColumns, _ accountID: Int64, now: Date, onlyIfSet: Bool = false) async throws -> Int {
        let time = now.timeIntervalSince1970
        let assignments: SQLQuery =
            switch factor {
            case .sms(let phone): "phone = \(phone), pending_phone = NULL"
            case .totp(let sid): "totp_factor_sid = \(sid), pending_totp_sid = NULL"
            case .push(let sid, let name): "push_factor_sid = \(sid), push_device_name = \(name)"
            }
        let condition: SQLQuery = onlyIfSet ? " AND \(unescaped: factor.column) IS NOT NULL" : ""
        return try await db.changes(
            "UPDATE account SET " + assignments + ", updated_at = \(time) WHERE id = \(accountID)" + condition
                + " RETURNING 1")
    }

    func record(
        _ accountID: Int64, _ subject: FactorEvent.Subject, _ action: FactorEvent.Action, _ now: Date
    ) async throws {
        try await db.execute(
            """
            INSERT INTO factor_event (account_id, kind, action, at)
            VALUES (\(accountID), \(subject.rawValue), \(action.rawValue), \(now.timeIntervalSince1970))
            """)
    }

    /// Stores a new set of recovery codes (digests) in place of the old, and records it.
    func replaceRecoveryCodes(_ accountID: Int64, _ codes: [String], _ now: Date) async throws {
        try await dropRecoveryCodes(accountID)
        for digest in Set(codes.compactMap(RecoveryCodes.digest)) {
            try await db.execute("INSERT INTO recovery_code (account_id, code_hash) VALUES (\(accountID), \(digest))")
        }
        try await record(accountID, .recoveryCodes, .issued, now)
    }

    func dropRecoveryCodes(_ accountID: Int64) async throws {
        try await db.execute("DELETE FROM recovery_code WHERE account_id = \(accountID)")
    }
}

/// One second factor's columns on the account row, and what they are set to.
enum FactorColumns: Sendable {
    case sms(phone: String?)
    case totp(factorSid: String?)
    case push(factorSid: String?, name: String?)

    var subject: FactorEvent.Subject {
        switch self {
        case .sms: .sms
        case .totp: .totp
        case .push: .push
        }
    }

    /// The column that says whether the factor is on.
    var column: String {
        switch self {
        case .sms: "phone"
        case .totp: "totp_factor_sid"
        case .push: "push_factor_sid"
        }
    }
}
