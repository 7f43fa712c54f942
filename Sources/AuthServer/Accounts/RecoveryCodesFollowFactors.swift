#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The rule: the account's first second factor issues its recovery codes, and removing the last
/// one drops them (with no factor left they would be a way in to nothing). Each change is one
/// transaction with the account's row locked, its event recorded and the codes issued or
/// dropped, so two requests turning factors on at once cannot both issue "the first" codes.
extension SecondFactorStore {
    /// Turns SMS on with the number whose code was just approved. When it is the account's first
    /// factor, `recoveryCodes` are stored and true is returned (the caller shows them once).
    func enableSMS(accountID: Int64, phone: String, recoveryCodes: [String], now: Date) async throws -> Bool {
        try await turnOn(.sms(phone: phone), accountID, recoveryCodes, now)
    }

    func disableSMS(accountID: Int64, now: Date) async throws {
        try await turnOff(.sms(phone: nil), accountID, now)
    }

    /// Turns the authenticator app on with its verified factor; recovery codes as for SMS.
    func enableTOTP(accountID: Int64, factorSid: String, recoveryCodes: [String], now: Date) async throws -> Bool {
        try await turnOn(.totp(factorSid: factorSid), accountID, recoveryCodes, now)
    }

    func disableTOTP(accountID: Int64, now: Date) async throws {
        try await turnOff(.totp(factorSid: nil), accountID, now)
    }

    /// Turns push logins on with the phone's verified Verify factor, replacing an earlier phone
    /// (recorded as its removal); the same phone again changes nothing. Recovery codes as for SMS.
    func enablePush(
        accountID: Int64, factorSid: String, name: String, recoveryCodes: [String], now: Date
    ) async throws -> Bool {
        try await write { rows in
            let before = try await rows.lockFactors(accountID)
            guard before.push != factorSid else { return false }
            try await rows.set(.push(factorSid: factorSid, name: name), accountID, now: now)
            if before.push != nil { try await rows.record(accountID, .push, .removed, now) }
            return try await Self.added(.push, accountID, first: !before.any, recoveryCodes, now, rows)
        }
    }

    /// Turns push logins off, if they were on.
    func disablePush(accountID: Int64, now: Date) async throws {
        try await turnOff(.push(factorSid: nil, name: nil), accountID, now, onlyIfSet: true)
    }

    private func turnOn(
        _ factor: FactorColumns, _ accountID: Int64, _ recoveryCodes: [String], _ now: Date
    ) async throws -> Bool {
        try await write { rows in
            let before = try await rows.lockFactors(accountID)
            try await rows.set(factor, accountID, now: now)
            return try await Self.added(factor.subject, accountID, first: !before.any, recoveryCodes, now, rows)
        }
    }

    /// Records the factor's addition; the first factor's recovery codes are issued. Returns
    /// whether they were.
    private static func added(
        _ subject: FactorEvent.Subject, _ accountID: Int64, first: Bool, _ recoveryCodes: [String], _ now: Date,
        _ rows: FactorRows
    ) async throws -> Bool {
        try await rows.record(accountID, subject, .added, now)
        if first { try await rows.replaceRecoveryCodes(accountID, recoveryCodes, now) }
        return first
    }

    private func turnOff(
        _ factor: FactorColumns, _ accountID: Int64, _ now: Date, onlyIfSet: Bool = false
    ) async throws {
        try await write { rows in
            _ = try await rows.lockFactors(accountID)
            guard try await rows.set(factor, accountID, now: now, onlyIfSet: onlyIfSet) == 1 else { return }
            try await rows.record(accountID, factor.subject, .removed, now)
            if try await !rows.lockFactors(accountID).any { try await rows.dropRecoveryCodes(accountID) }
        }
    }
}
