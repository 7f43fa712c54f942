import Foundation
import GRDB
import Testing

@testable import VerifyEmulator

@Suite("Storage: migrations and query plans")
struct StorageTests {
    @Test("a database from before v4 keeps its rows; the hot tables lose AUTOINCREMENT and an index")
    func rebuildWithoutAutoincrement() async throws {
        let path = temporaryDatabasePath()
        let service = "VA" + String(repeating: "1", count: 32)
        let verification = "VE" + String(repeating: "2", count: 32)
        do {
            let old = try DatabaseQueue(path: path)
            try EmulatorDatabase.migrator.migrate(old, upTo: "v3: programmable rate limits")
            try await old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO service (id, sid, account_sid, friendly_name, code_length, lookup_enabled,
                            psd2_enabled, skip_sms_to_landlines, dtmf_input_required, do_not_share_warning_enabled,
                            custom_code_enabled, push, totp, whatsapp, passkeys, verify_event_subscription_enabled,
                            created_at, updated_at)
                        VALUES (7, ?, 'AC00000000000000000000000000000000', 'Old', 6, 0, 0, 0, 0, 0, 0,
                            '{}', '{}', '{}', '{}', 0, 1000, 1000)
                        """, arguments: [service])
                try db.execute(
                    sql: """
                        INSERT INTO verification (id, sid, service_id, service_sid, account_sid, to_address, channel,
                            status, code, check_attempts, created_at, updated_at, expires_at)
                        VALUES (41, ?, 7, ?, 'AC00000000000000000000000000000000', '+15005550006', 'sms',
                            'pending', '123456', 2, 1000, 2000, 601000)
                        """, arguments: [verification, service])
                try db.execute(
                    sql: """
                        INSERT INTO message (id, sid, account_sid, service_sid, verification_sid, to_address, channel,
                            body, code, created_at)
                        VALUES (9, 'VL33333333333333333333333333333333', 'AC00000000000000000000000000000000', ?, ?,
                            '+15005550006', 'sms', 'Your Old verification code is: 123456', '123456', 1000)
                        """, arguments: [service, verification])
            }
            try old.close()
        }

        let writer = try EmulatorDatabase.open(path: path)
        try await writer.read { db in
            let row = try #require(
                try VerificationRecord.fetchOne(
                    db, sql: VerificationRecord.selectSQL + " WHERE sid = ?", arguments: [verification]))
            #expect(row.id == 41 && row.serviceId == 7 && row.code == "123456" && row.checkAttempts == 2)
            #expect(row.status == .pending && row.expiresAt == 601000)
            let message = try #require(try MessageRecord.fetchOne(db, sql: MessageRecord.selectSQL))
            #expect(message.id == 9 && message.verificationSid == verification && message.code == "123456")

            let ddl = try String.fetchAll(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ('verification', 'message')")
            #expect(ddl.count == 2)
            #expect(ddl.allSatisfy { !$0.uppercased().contains("AUTOINCREMENT") })
            let indexes = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master
                    WHERE type = 'index' AND tbl_name IN ('verification', 'message') AND name NOT LIKE 'sqlite_%'
                    ORDER BY name
                    """)
            #expect(indexes == ["message_by_recipient", "message_by_verification"])
            let recipientColumns = try String.fetchAll(
                db, sql: "SELECT name FROM pragma_index_info('message_by_recipient')")
            #expect(recipientColumns == ["to_address", "service_sid"])
            #expect(try String.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        }
        /// Inserts a pending verification and returns its id.
        @Sendable func insert(_ db: Database, sid: String, serviceID: Int64) throws -> Int64 {
            try db.execute(
                sql: """
                    INSERT INTO verification (sid, service_id, service_sid, account_sid, to_address, channel, status,
                        code, created_at, updated_at, expires_at)
                    VALUES (?, ?, ?, 'AC00000000000000000000000000000000', '+15005550006', 'sms', 'pending', '1',
                        0, 0, 0)
                    """, arguments: [sid, serviceID, service])
            return db.lastInsertedRowID
        }
        // The rebuilt table still enforces its constraints: a real service and a unique sid.
        await #expect(throws: DatabaseError.self) {
            try await writer.write { db in _ = try insert(db, sid: "VE44444444444444444444444444444444", serviceID: 999)
            }
        }
        await #expect(throws: DatabaseError.self) {
            try await writer.write { db in _ = try insert(db, sid: verification, serviceID: 7) }
        }
        // New rows continue after the old ones.
        let nextID = try await writer.write { db in
            try insert(db, sid: "VE55555555555555555555555555555555", serviceID: 7)
        }
        #expect(nextID == 42)
    }

    @Test("every hot-path query searches an index: no table scan, no sort")
    func queryPlans() async throws {
        let writer = try EmulatorDatabase.open(path: temporaryDatabasePath())
        let queries: [(name: String, sql: String, arguments: Int)] = [
            ("latest", VerificationQueries.latestSQL, 3), ("sent count", VerificationQueries.sentCountSQL, 4),
            ("find", VerificationQueries.findSQL, 2), ("attempts", VerificationQueries.attemptsSQL, 1),
            ("service", VerificationQueries.serviceSQL, 2),
        ]
        try await writer.read { db in
            for query in queries {
                let plan = try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN " + query.sql,
                    arguments: StatementArguments(Array(repeating: "x", count: query.arguments))
                ).map { $0["detail"] as String }
                #expect(plan.contains { $0.hasPrefix("SEARCH ") }, "\(query.name): \(plan)")
                #expect(
                    !plan.contains { $0.hasPrefix("SCAN verification") || $0.hasPrefix("SCAN message") },
                    "\(query.name): \(plan)")
                #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(query.name): \(plan)")
            }
        }
    }
}
