import GRDB
import VerifyWire

/// Accounts created at run time (`POST /emulator/v1/accounts`), so parallel test workers that
/// share one emulator each take an account of their own: its own services, codes, limits and
/// clock. They live in the database, so a restart or a restored snapshot keeps them, and in the
/// ``AccountDirectory`` that authenticates requests.
struct AccountStore: Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock
    let directory: AccountDirectory
    let control: ControlStore

    /// What creating an account answers: its credentials and the service made with it.
    struct Created: Encodable, Sendable {
        var accountSid: String
        var authToken: String
        var serviceSid: String
        var friendlyName: String

        enum CodingKeys: String, CodingKey {
            case accountSid = "account_sid"
            case authToken = "auth_token"
            case serviceSid = "service_sid"
            case friendlyName = "friendly_name"
        }
    }

    /// Reads the accounts created at run time into the directory (at start, after a restore).
    func load() async throws {
        let accounts = try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT sid, auth_token, friendly_name FROM runtime_account ORDER BY created_at")
                .map { row in
                    TwilioAccount(sid: SID(unchecked: row[0]), authToken: row[1], friendlyName: row[2])
                }
        }
        directory.setRuntimeAccounts(accounts)
    }

    /// A new account with a random SID and auth token, and one service named `friendlyName`.
    func create(friendlyName: String) async throws -> Created {
        var random = SecureRandom()
        let digits = Array("0123456789abcdef")
        // 128 bits from the system CSPRNG, as hex like Twilio's auth tokens
        let token = String((0..<32).map { _ in digits[Int(random.next() & 15)] })
        let account = TwilioAccount(sid: .random(.account), authToken: token, friendlyName: friendlyName)
        let now = clock.now().epochMilliseconds
        let service = try await batcher.write { db in
            try db.execute(
                sql: "INSERT INTO runtime_account (sid, auth_token, friendly_name, created_at) VALUES (?, ?, ?, ?)",
                arguments: [account.sid.rawValue, account.authToken, friendlyName, now])
            var record = ServiceRecord(
                sid: .random(.service), accountSid: account.sid, friendlyName: friendlyName, now: now)
            try record.insert(db)
            return record.sid
        }
        directory.addRuntimeAccount(account)
        return Created(
            accountSid: account.sid.rawValue, authToken: account.authToken, serviceSid: service,
            friendlyName: friendlyName)
    }

    /// Removes an account created at run time and everything it holds; false when there is none.
    func delete(_ sid: SID) async throws -> Bool {
        guard directory.kind(of: sid) == .runtime else { return false }
        try await control.reset(account: sid)
        try await batcher.write { db in
            try db.execute(sql: "DELETE FROM runtime_account WHERE sid = ?", arguments: [sid.rawValue])
        }
        directory.removeRuntimeAccount(sid)
        clock.forget(account: sid)
        return true
    }
}
