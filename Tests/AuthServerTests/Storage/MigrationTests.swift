import Foundation
import GRDB
import Testing

@testable import AuthServer

/// A database from before the second factors (v3) opens with them: the account and its SMS
/// number survive, and the new columns and tables start empty.
@Suite("Auth server database migrations")
struct MigrationTests {
    @Test("a v3 database with an SMS-protected account upgrades in place")
    func fromV3() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("auth-v3-\(UUID().uuidString).sqlite")
            .path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            let old = try DatabaseQueue(path: path)
            try SQLiteDatabase.migrator.migrate(old, upTo: "v3: rate-limit hits")
            try await old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO account (sid, username, email, email_key, password_hash, phone, created_at, updated_at)
                        VALUES ('US00000000000000000000000000000001', 'ivy', 'ivy@example.com', 'ivy@example.com', 'x',
                                '+14155550190', 0, 0)
                        """)
            }
            try old.close()
        }
        let storage = try await AuthStorage.sqlite(path: path, accessTokenLifetime: 60, now: { Date() })
        let account = try #require(try await storage.accounts.find(login: "ivy"))
        #expect(account.phone == "+14155550190" && account.secondFactors == [.sms])
        #expect(account.totpFactorSid == nil && account.pushFactorSid == nil)
        let factors = storage.factors
        #expect(try await factors.unusedRecoveryCodes(accountID: account.id) == 0)
        #expect(try await factors.events(accountID: account.id).isEmpty)
        #expect(try await factors.passkeys(accountID: account.id).isEmpty)
        let applied = try await DatabaseQueue(path: path).read { db in
            try SQLiteDatabase.migrator.appliedIdentifiers(db)
        }
        #expect(applied.count == SQLiteDatabase.migrator.migrations.count)
    }
}
