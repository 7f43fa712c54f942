import HummingbirdBcrypt
import NIOPosix

/// Password rules and bcrypt hashing.
///
/// bcrypt reads at most 72 bytes of its input and ignores the rest, so a longer password would
/// be silently truncated: two passwords sharing their first 72 bytes would both unlock the
/// account. We refuse passwords over 72 bytes (UTF-8) at registration, change and reset, and a
/// login with one never matches. bcrypt also stops at a NUL byte (it takes a C string), so
/// `"abcdefgh\u{0}anything"` would log in as `"abcdefgh"`: control characters (NUL among them)
/// are refused in new passwords, and a password holding one never matches. Hashing runs on
/// NIO's thread pool, never on an event loop: at cost 12 one hash takes a quarter of a second
/// of CPU.
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
        if hasControlCharacters(password) { return "Use no control characters (such as NUL or tab)" }
        if let username, password.lowercased() == username.lowercased() {
            return "The password must not be your username"
        }
        return nil
    }

    /// Whether `password` holds a C0 or C1 control character or DEL: bcrypt would cut it at NUL.
    static func hasControlCharacters(_ password: String) -> Bool {
        password.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    func hash(_ password: String) async throws -> String {
        precondition(
            password.utf8.count <= Self.maximumBytes && !Self.hasControlCharacters(password),
            "check Passwords.problem(with:) first")
        let cost = UInt8(self.cost)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`. Over-long passwords and passwords with a control
    /// character never match (bcrypt would compare only their first 72 bytes, or the bytes
    /// before a NUL).
    func verify(_ password: String, hash: String) async throws -> Bool {
        guard password.utf8.count <= Self.maximumBytes, !password.isEmpty, !Self.hasControlCharacters(password)
        else { return false }
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash to compare against when the account does not exist, so a wrong username takes
    /// as long as a wrong password and response times do not reveal which usernames exist.
    func dummyHash() async throws -> String {
        try await hash("not a real password, only for timing")
    }
}
