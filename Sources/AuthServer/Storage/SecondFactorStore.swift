#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The account's second factors as the auth server keeps them: the confirmed SMS number, TOTP
/// factor and push phone (on the account), recovery codes (digests), passkeys, and the history
/// the profile shows. Turning a factor on or off, issuing recovery codes and recording the event
/// happen in one transaction, so the history never disagrees with the account.
protocol SecondFactorStore: Sendable {
    /// Turns SMS on with the number whose code was just approved. When it is the account's first
    /// factor, `recoveryCodes` are stored and true is returned (the caller shows them once).
    func enableSMS(accountID: Int64, phone: String, recoveryCodes: [String], now: Date) async throws -> Bool

    func disableSMS(accountID: Int64, now: Date) async throws

    func setPendingTOTP(accountID: Int64, factorSid: String?) async throws

    /// Turns the authenticator app on with its verified factor; recovery codes as for SMS.
    func enableTOTP(accountID: Int64, factorSid: String, recoveryCodes: [String], now: Date) async throws -> Bool

    func disableTOTP(accountID: Int64, now: Date) async throws

    /// Takes a TOTP code Verify approved, unless this account used the same code within the
    /// last `window` seconds: false is a replay. The update is the check, as for recovery codes.
    func acceptTOTPCode(
        accountID: Int64, factorSid: String, code: String, now: Date, window: Double
    ) async throws
        -> Bool

    /// Turns push logins on with the phone's verified Verify factor (replacing an earlier phone);
    /// recovery codes as for SMS.
    func enablePush(
        accountID: Int64, factorSid: String, name: String, recoveryCodes: [String], now: Date
    ) async throws -> Bool

    func disablePush(accountID: Int64, now: Date) async throws

    func addPasskey(accountID: Int64, factorSid: String, name: String, now: Date) async throws

    /// Removes one of the account's passkeys; false when it has no such passkey.
    func removePasskey(accountID: Int64, factorSid: String, now: Date) async throws -> Bool

    func passkeys(accountID: Int64) async throws -> [StoredPasskey]

    /// The account a passkey belongs to, if it is one this server registered.
    func passkeyOwner(factorSid: String) async throws -> Int64?

    /// A new set of recovery codes; the old ones stop working.
    func replaceRecoveryCodes(accountID: Int64, codes: [String], now: Date) async throws

    /// Spends one recovery code: true when it was the account's and unused. The update is the
    /// check, so one code cannot sign in twice even from two requests at the same moment.
    func useRecoveryCode(accountID: Int64, code: String, now: Date) async throws -> Bool

    func unusedRecoveryCodes(accountID: Int64) async throws -> Int

    /// The newest events first.
    func events(accountID: Int64, limit: Int) async throws -> [FactorEvent]
}

extension SecondFactorStore {
    func events(accountID: Int64) async throws -> [FactorEvent] {
        try await events(accountID: accountID, limit: 20)
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
