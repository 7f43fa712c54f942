#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Accounts, password-login challenges and the account side of web sessions. A password change,
/// reset or disable revokes the account's refresh-token families in the same transaction and
/// tells ``RefreshTokenStore``, so their access tokens are refused at once.
protocol AccountStore: Sendable {
    func create(username: String, email: String, passwordHash: String, now: Date) async throws -> UserAccount

    /// By username (any case) or email (any case).
    func find(login: String) async throws -> UserAccount?

    /// By email only (any case).
    func find(email: String) async throws -> UserAccount?

    func find(id: Int64) async throws -> UserAccount?

    func find(sid: String) async throws -> UserAccount?

    func updateProfile(id: Int64, username: String, about: String, now: Date) async throws -> UserAccount

    /// Sets a new password hash and voids every session and token issued before `now`, in one
    /// transaction: the account's web sessions are deleted (but `keepSession`, the one making the
    /// change), its refresh tokens revoked and its login challenges dropped.
    func setPassword(_ account: UserAccount, hash: String, now: Date, keepSession: String?) async throws

    func setPendingPhone(id: Int64, phone: String?) async throws

    /// Disables (or re-enables) an account by username or email. A disabled account cannot log
    /// in; its web sessions are deleted and its tokens refused. Returns the account, if found.
    @discardableResult
    func setDisabled(login: String, disabled: Bool, now: Date) async throws -> UserAccount?

    /// A new challenge for `accountID`; only its hash is stored.
    func createChallenge(accountID: Int64, now: Date, lifetime: TimeInterval) async throws -> String

    /// The account a live challenge belongs to.
    func challengeAccount(_ token: String, now: Date) async throws -> UserAccount?

    /// The push challenge a JSON login is waiting on (the latest one sent).
    func setPushChallenge(_ token: String, sid: String) async throws

    func pushChallenge(_ token: String) async throws -> String?

    func deleteChallenge(_ token: String) async throws
}

/// A registration or rename that would take a username or email another account has.
enum AccountConflict: Error, Sendable, Equatable {
    case username
    case email
}

/// The public id of a new account: `US` and 32 random hex digits.
enum AccountSid {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        let hex = (0..<32).map { _ in digits[Int(generator.next() % 16)] }
        return "US" + String(decoding: hex, as: UTF8.self)
    }
}
