import HummingbirdBcrypt
import NIOPosix

/// Password rules and bcrypt hashing.
///
/// bcrypt reads at most 72 bytes of its input and ignores the rest, so a longer password would
/// be silently truncated: two passwords sharing their first 72 bytes would both unlock the
/// account. We refuse passwords over 72 bytes (UTF-8) at registration, change and reset, and a
/// login with one never matches. Hashing runs on NIO's thread pool, never on an event loop:
/// at cost 12 one hash takes a quarter of a second of CPU.
struct Passwords: Sendable {
    static let minimumLength = 8
    static let maximumBytes = 72
    let cost: Int

    /// Why a new password is refused, or nil when it is acceptable.
    static func problem(with password: String, username: String? = nil) -> String? {
        if password.count < minimumLength { return "Use at least \(minimumLength) characters" }
        if password.utf8.count > maximumBytes {
            return "Use at most \(maximumBytes) bytes (bcrypt ignores anything longer)"
        }
        if let username, password.lowercased() == username.lowercased() {
            return "The password must not be your username"
        }
        return nil
    }

    func hash(_ password: String) async throws -> String {
        precondition(password.utf8.count <= Self.maximumBytes, "check Passwords.problem(with:) first")
        let cost = UInt8(self.cost)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`. Over-long passwords never match (bcrypt would compare
    /// only their first 72 bytes).
    func verify(_ password: String, hash: String) async throws -> Bool {
        guard password.utf8.count <= Self.maximumBytes, !password.isEmpty else { return false }
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash to compare against when the account does not exist, so a wrong username takes
    /// as long as a wrong password and response times do not reveal which usernames exist.
    func dummyHash() async throws -> String {
        try await hash("not a real password, only for timing")
    }
}
