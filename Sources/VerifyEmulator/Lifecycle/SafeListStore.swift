import GRDB
import VerifyWire

/// The account's safe list: numbers exempt from Fraud Guard and Geo Permissions. A number on it
/// is never refused by a fault rule that plays Fraud Guard (a `60410` rule, or one marked
/// `fraud_guard`), such as the magic number `+15005550003`.
struct SafeListStore: Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock

    struct Entry: Sendable, Equatable {
        var sid: String
        var phoneNumber: String
    }

    /// Adds `number`; a number on the list already answers its entry.
    func add(account: SID, number: String) async throws -> Entry {
        if let problem = Recipient.e164Problem(number) {
            throw TwilioError.invalidParameter("PhoneNumber", hint: "PhoneNumber is not E.164: \(problem)")
        }
        let now = clock.now().epochMilliseconds
        let sid = SID.random(.safeListNumber).rawValue
        return try await batcher.write { db in
            if let existing = try Self.find(db, account: account, number: number) { return existing }
            try db.execute(
                sql: "INSERT INTO safe_list (sid, account_sid, phone_number, created_at) VALUES (?, ?, ?, ?)",
                arguments: [sid, account.rawValue, number, now])
            return Entry(sid: sid, phoneNumber: number)
        }
    }

    func entry(account: SID, number: String) async throws -> Entry {
        guard let entry = try await writer.read({ db in try Self.find(db, account: account, number: number) }) else {
            throw NotFound("\(number) is not on the safe list")
        }
        return entry
    }

    func remove(account: SID, number: String) async throws {
        let removed = try await batcher.write { db in
            try db.execute(
                sql: "DELETE FROM safe_list WHERE account_sid = ? AND phone_number = ?",
                arguments: [account.rawValue, number])
            return db.changesCount
        }
        if removed == 0 { throw NotFound("\(number) is not on the safe list") }
    }

    func contains(account: SID, number: String) async throws -> Bool {
        try await writer.read { db in try Self.find(db, account: account, number: number) != nil }
    }

    static func find(_ db: Database, account: SID, number: String) throws -> Entry? {
        try Row.fetchOne(
            db, sql: "SELECT sid, phone_number FROM safe_list WHERE account_sid = ? AND phone_number = ?",
            arguments: [account.rawValue, number]
        ).map { Entry(sid: $0[0], phoneNumber: $0[1]) }
    }
}
