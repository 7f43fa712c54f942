import Foundation
import GRDB
import Testing
import VerifyWire

@testable import VerifyEmulator

/// The hot-path records list their columns in several places (the stored properties, `columnNames`,
/// the positional `init(row:)`, `encode(to:)`, the raw statements' positional reads and binds).
/// These tests fail, naming what disagrees, when a column is added in some of them and not all.
@Suite("Storage: each hot-path record's column lists agree")
struct RecordColumnsTests {
    static func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try EmulatorDatabase.migrator.migrate(queue)
        return queue
    }

    /// Every field set to a value no other field holds, optionals included.
    static func verification(serviceId: Int64) -> VerificationRecord {
        VerificationRecord(
            sid: "VE" + String(repeating: "a", count: 32), serviceId: serviceId,
            serviceSid: "VA" + String(repeating: "b", count: 32), accountSid: "AC" + String(repeating: "c", count: 32),
            toAddress: "+15145550777", channel: "whatsapp", status: .canceled, code: "918273", checkAttempts: 3,
            locale: "pt-BR", amount: "€12.34", payee: "Ada's shop", createdAt: 1_000_001, updatedAt: 1_000_002,
            expiresAt: 1_000_003)
    }

    static func message() -> MessageRecord {
        MessageRecord(
            sid: "VL" + String(repeating: "d", count: 32), accountSid: "AC" + String(repeating: "c", count: 32),
            serviceSid: "VA" + String(repeating: "b", count: 32),
            verificationSid: "VE" + String(repeating: "a", count: 32),
            toAddress: "+15145550777", channel: "whatsapp", body: "Your code: 918273", code: "918273",
            createdAt: 1_000_004)
    }

    @Test("columnNames, the stored properties, what encode(to:) writes and the table's columns are the same set")
    func sameColumns() throws {
        let queue = try Self.database()
        try queue.read { db in
            let tables: [(String, [String], Any, [String: DatabaseValue])] = [
                (
                    "verification", VerificationRecord.columnNames, Self.verification(serviceId: 1),
                    try Self.verification(serviceId: 1).databaseDictionary
                ),
                ("message", MessageRecord.columnNames, Self.message(), try Self.message().databaseDictionary),
            ]
            for (table, names, record, encoded) in tables {
                let columns = Set(try db.columns(in: table).map(\.name))
                #expect(Set(names) == columns, "\(table): columnNames vs the table")
                #expect(Set(encoded.keys) == columns, "\(table): encode(to:) vs the table")
                #expect(Mirror(reflecting: record).children.count == names.count, "\(table): stored properties")
            }
        }
    }

    @Test("a record written by either path reads back whole by every path")
    func roundTrips() async throws {
        let queue = try Self.database()
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO service (id, sid, account_sid, friendly_name, code_length, lookup_enabled, psd2_enabled,
                        skip_sms_to_landlines, dtmf_input_required, do_not_share_warning_enabled, custom_code_enabled,
                        push, totp, whatsapp, passkeys, verify_event_subscription_enabled, created_at, updated_at)
                    VALUES (5, ?, ?, 'Columns', 6, 0, 0, 0, 0, 0, 0, '{}', '{}', '{}', '{}', 0, 1, 1)
                    """,
                arguments: ["VA" + String(repeating: "b", count: 32), "AC" + String(repeating: "c", count: 32)])
            // the fast path writes, every path reads
            var fast = Self.verification(serviceId: 5)
            try VerificationQueries.insert(db, &fast)
            let sid = SID(unchecked: fast.sid)
            let byRaw = try #require(try VerificationQueries.find(db, serviceId: 5, sid: sid))
            let byRow = try #require(
                try VerificationRecord.fetchOne(
                    db, sql: VerificationRecord.selectSQL + " WHERE id = ?", arguments: [fast.id]))
            let written = try fast.databaseDictionary
            #expect(try byRaw.databaseDictionary == written)
            #expect(try byRow.databaseDictionary == written)

            // GRDB's path (encode(to:)) writes, the fast path reads
            var slow = Self.verification(serviceId: 5)
            slow.sid = "VE" + String(repeating: "e", count: 32)
            try slow.insert(db)
            let slowRead = try #require(try VerificationQueries.find(db, serviceId: 5, sid: SID(unchecked: slow.sid)))
            let slowWritten = try slow.databaseDictionary
            #expect(try slowRead.databaseDictionary == slowWritten)

            var message = Self.message()
            try VerificationQueries.insert(db, &message)
            let attempts = try VerificationQueries.attempts(db, verificationSid: fast.sid)
            let byRowMessage = try #require(
                try MessageRecord.fetchOne(db, sql: MessageRecord.selectSQL + " WHERE id = ?", arguments: [message.id]))
            let sent = try message.databaseDictionary
            #expect(try attempts.map { try $0.databaseDictionary } == [sent])
            #expect(try byRowMessage.databaseDictionary == sent)
        }
    }
}
