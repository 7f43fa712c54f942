import Foundation
import GRDB
import Logging
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Storage: retention prunes what is finished and old, never what is live")
struct RetentionTests {
    @Test("through the running emulator: old finished verifications and their messages go, live ones stay")
    func prunesThroughTheApplication() async throws {
        let path = temporaryDatabasePath()
        try await withEmulator(databasePath: path) { configuration in
            configuration.retention = .seconds(3600)
            configuration.pruneInterval = .milliseconds(50)
        } _: { emulator in
            let old = try await emulator.startWithCode(to: "+15005550001")
            #expect(try await emulator.check(old.service, to: "+15005550001", code: old.code).status == .ok)
            // two hours later the approved verification and its message are past the retention
            emulator.clock.advance(by: .seconds(7200))
            let live = try await emulator.startVerification(old.service, to: "+15005550002")
            #expect(live.status == .created)
            let liveSid = try live.decode(VerificationResource.self).sid

            try await waitUntil { try await emulator.lastMessage(to: "+15005550001") == nil }
            #expect(try await emulator.verificationSids() == [liveSid])
            #expect(try await emulator.get("/v2/Services/\(old.service)/Verifications/\(liveSid)").status == .ok)
            #expect(try await emulator.lastMessage(to: "+15005550002") != nil)
        }
        let rows = try DatabaseQueue(path: path)
        let counts = try await rows.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM verification") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message") ?? -1
            )
        }
        #expect(counts == (1, 1))
    }

    @Test("answered and expired challenges, finished passkey sign-ins and old access tokens go; pending ones stay")
    func prunesFactorState() async throws {
        let path = temporaryDatabasePath()
        try await withEmulator(databasePath: path) { configuration in
            configuration.retention = .seconds(3600)
            configuration.pruneInterval = .milliseconds(50)
        } _: { api in
            let service = try await PasskeyTests.passkeysService(api)
            _ = try await api.post(
                "/v2/Services/\(service)/AccessTokens",
                [("Identity", PushFactorTests.identity), ("FactorType", "push")])
            _ = try await api.postJSON("/v2/Services/\(service)/Passkeys/Challenges", [String: Any]())
            let enrolled = try await api.request(
                .post, "/emulator/v1/devices", auth: nil,
                rawBody: .init(string: #"{"service_sid": "\#(service)", "identity": "\#(PushFactorTests.identity)"}"#),
                contentType: "application/json")
            let factor = try #require(enrolled.json["factor_sid"] as? String)
            let challenges = PushFactorTests.path(service, "Challenges")
            let answered = try await api.post(challenges, [("FactorSid", factor), ("Details.Message", "Old")])
            let answeredSid = try #require(answered.json["sid"] as? String)
            _ = try await api.request(.post, "/emulator/v1/challenges/\(answeredSid)/approve", auth: nil)
            api.clock.advance(by: .seconds(7200))
            // made after the jump: still pending, so kept
            let pending = try await api.post(
                challenges,
                [("FactorSid", factor), ("Details.Message", "New"), ("ExpirationDate", "2099-01-01T00:00:00Z")])
            #expect(pending.status == .badRequest)  // more than 60 minutes away
            let live = try await api.post(challenges, [("FactorSid", factor), ("Details.Message", "New")])
            let liveSid = try #require(live.json["sid"] as? String)
            try await waitUntil {
                let listed = try await api.get(challenges).json["challenges"] as? [[String: Any]]
                return listed?.compactMap { $0["sid"] as? String } == [liveSid]
            }
        }
        let counts = try await DatabaseQueue(path: path).read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM challenge") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM passkey_challenge") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM access_token") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM factor") ?? -1
            )
        }
        #expect(counts == (1, 0, 0, 1))
    }

    @Test("retention off keeps everything")
    func offKeepsEverything() async throws {
        try await withEmulator { configuration in
            configuration.retention = nil
            configuration.pruneInterval = .milliseconds(20)
        } _: { emulator in
            let old = try await emulator.startWithCode()
            emulator.clock.advance(by: .seconds(10 * 86_400))
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await emulator.verificationSids() == [old.verification.sid])
            #expect(try await emulator.lastMessage()?.code == old.code)
        }
    }

    @Test("a pass walks each table in small steps and keeps rows the live windows still count")
    func stepsAndLiveWindows() async throws {
        let writer = try EmulatorDatabase.open(path: temporaryDatabasePath())
        let batcher = WriteBatcher(writer: writer)
        let clock = EmulatorClock()
        clock.set(to: Date(timeIntervalSince1970: 1_000_000), frozen: true)
        let now: Int64 = 1_000_000_000
        let hour: Int64 = 3_600_000
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO service (id, sid, account_sid, friendly_name, code_length, lookup_enabled, psd2_enabled,
                        skip_sms_to_landlines, dtmf_input_required, do_not_share_warning_enabled, custom_code_enabled,
                        push, totp, whatsapp, passkeys, verify_event_subscription_enabled, created_at, updated_at)
                    VALUES (1, 'VA00000000000000000000000000000001', 'AC00000000000000000000000000000000', 'S', 6,
                        0, 0, 0, 0, 0, 0, '{}', '{}', '{}', '{}', 0, 0, 0)
                    """)
            // 25 verifications: 10 finished 3 h ago, 10 updated 3 h ago but expiring in the
            // future, 5 recent; interleaved so that every step of 4 rows meets each kind
            for index in 0..<25 {
                let (updated, expires): (Int64, Int64) =
                    switch index % 5 {
                    case 0, 1: (now - 3 * hour, now - 3 * hour)
                    case 2, 3: (now - 3 * hour, now + hour)
                    default: (now, now + hour)
                    }
                try db.execute(
                    sql: """
                        INSERT INTO verification (sid, service_id, service_sid, account_sid, to_address, channel,
                            status, code, created_at, updated_at, expires_at)
                        VALUES (?, 1, 'VA00000000000000000000000000000001', 'AC00000000000000000000000000000000',
                            '+15005550006', 'sms', 'approved', '1', ?, ?, ?)
                        """, arguments: [String(format: "VE%032d", index), updated, updated, expires])
                try db.execute(
                    sql: """
                        INSERT INTO message (sid, account_sid, service_sid, verification_sid, to_address, channel,
                            body, code, created_at)
                        VALUES (?, 'AC00000000000000000000000000000000', 'VA00000000000000000000000000000001', ?,
                            '+15005550006', 'sms', 'code 1', '1', ?)
                        """, arguments: [String(format: "VL%032d", index), String(format: "VE%032d", index), updated])
            }
            try db.execute(
                sql: """
                    INSERT INTO rate_limit (id, sid, service_id, service_sid, account_sid, unique_name, created_at,
                        updated_at)
                    VALUES (1, 'RK00000000000000000000000000000001', 1, 'VA00000000000000000000000000000001',
                        'AC00000000000000000000000000000000', 'end_user_ip', 0, 0)
                    """)
            // a bucket of 4 hours: a hit 3 h old still counts, one 5 h old does not
            try db.execute(
                sql: """
                    INSERT INTO bucket (sid, rate_limit_id, rate_limit_sid, service_sid, account_sid, max, interval,
                        created_at, updated_at)
                    VALUES ('BL00000000000000000000000000000001', 1, 'RK00000000000000000000000000000001',
                        'VA00000000000000000000000000000001', 'AC00000000000000000000000000000000', 10, 14400, 0, 0)
                    """)
            for age in [5 * hour, 3 * hour, 0] {
                try db.execute(
                    sql: "INSERT INTO rate_limit_hit (rate_limit_id, value, created_at) VALUES (1, 'x', ?)",
                    arguments: [now - age])
            }
        }
        var logger = Logger(label: "retention-test")
        logger.logLevel = .critical
        let pruner = RetentionPruner(
            retention: .seconds(3600), liveWindow: .seconds(600), batcher: batcher, clock: clock, logger: logger,
            stepRows: 4)
        let pruned = try await pruner.prune()
        #expect(pruned == .init(verifications: 10, messages: 20, rateLimitHits: 1))
        let left = try await writer.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM verification WHERE expires_at > ?", arguments: [now])
                    ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM verification") ?? -1,
                try Int64.fetchAll(db, sql: "SELECT created_at FROM rate_limit_hit ORDER BY created_at")
            )
        }
        #expect(left.0 == 15 && left.1 == 15)
        #expect(left.2 == [now - 3 * hour, now])
        // a second pass finds nothing more
        #expect(try await pruner.prune() == .init())

        // a long live window (code expiry of 4 h) moves the cut-off back: nothing 3 h old goes
        clock.advance(by: .seconds(1))
        let patient = RetentionPruner(
            retention: .seconds(60), liveWindow: .seconds(4 * 3600), batcher: batcher, clock: clock, logger: logger)
        #expect(try await patient.prune() == .init())
    }

    @Test("the retention setting is checked: whole seconds within range")
    func settingChecked() {
        var configuration = EmulatorConfiguration()
        configuration.retention = .milliseconds(1500)
        #expect(configuration.problem?.contains("retention must be whole seconds, 1 to 315360000") == true)
        configuration.retention = .seconds(0)
        #expect(configuration.problem?.contains("retention") == true)
        configuration.retention = nil
        #expect(configuration.problem == nil)
    }
}

extension EmulatorClient {
    /// Every stored verification's SID, newest first, as the control API lists them.
    func verificationSids() async throws -> [String] {
        let response = try await get("/emulator/v1/verifications?limit=1000", auth: nil)
        return try response.items("verifications", as: VerificationSummary.self).map(\.sid)
    }
}

/// Polls `condition` every 20 ms until it holds; fails the test after `timeout`.
func waitUntil(
    timeout: Duration = .seconds(5), _ condition: () async throws -> Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition did not hold within \(timeout)", sourceLocation: sourceLocation)
}
