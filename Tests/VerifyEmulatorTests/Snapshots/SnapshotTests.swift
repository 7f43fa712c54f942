import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Synchronization
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Snapshots: save, restore, list, delete, download, --import")
struct SnapshotTests {
    struct Snapshot: Decodable {
        var name: String
        var emulatorTime: String
        var clockFrozen: Bool
        var faultRules: Int
        var sizeBytes: Int
        enum CodingKeys: String, CodingKey {
            case name
            case emulatorTime = "emulator_time"
            case clockFrozen = "clock_frozen"
            case faultRules = "fault_rules"
            case sizeBytes = "size_bytes"
        }
    }

    func faults(_ api: EmulatorClient) async throws -> [FaultRule] {
        try await api.get("/emulator/v1/faults", auth: nil).decode([String: [FaultRule]].self)["faults"] ?? []
    }

    /// The clock frozen at 2031-05-06, a service with one verification, one fault rule; saved as
    /// "seeded". Returns the service and the code sent.
    func seed(_ api: EmulatorClient) async throws -> (service: String, code: String) {
        // the clock first: the code is valid at the saved instant
        let frozen = try await api.postJSON(
            "/emulator/v1/clock", ["set": "2031-05-06T07:08:09Z", "frozen": true], auth: nil)
        #expect(frozen.status == .ok)
        let (service, _, code, _) = try await api.startWithCode()
        let fault = try await api.postJSON(
            "/emulator/v1/faults", ["endpoint": "verifications", "to": "+15005550199", "error": ["code": 60410]],
            auth: nil)
        #expect(fault.status == .created)
        let saved = try await api.postJSON("/emulator/v1/snapshots", ["name": "seeded"], auth: nil)
        #expect(saved.status == .created)
        let summary = try saved.decode(Snapshot.self)
        #expect(summary.name == "seeded" && summary.clockFrozen && summary.faultRules == 1 && summary.sizeBytes > 0)
        #expect(summary.emulatorTime == "2031-05-06T07:08:09Z")
        return (service, code)
    }

    @Test("a restore brings back the database, the clock and the fault rules as saved")
    func restore() async throws {
        try await withEmulator { api in
            let (service, code) = try await seed(api)
            let savedFaults = try await faults(api)
            // everything changes after the save
            _ = try await api.startVerification(service, to: "+15005550100")
            _ = try await api.postJSON("/emulator/v1/clock", ["advance_seconds": 3600], auth: nil)
            #expect(try await api.request(.delete, "/emulator/v1/faults", auth: nil).status == .noContent)
            #expect(try await api.lastMessage(to: "+15005550100") != nil)

            let restored = try await api.post("/emulator/v1/snapshots/seeded/restore", [], auth: nil)
            #expect(restored.status == .ok)
            #expect(try restored.decode(Snapshot.self).name == "seeded")
            #expect(try await api.lastMessage(to: "+15005550100") == nil, "the later verification is gone")
            #expect(try await api.lastMessage()?.code == code)
            #expect(TwilioDate.format(api.clock.now()) == "2031-05-06T07:08:09Z" && api.clock.isFrozen)
            #expect(try await faults(api) == savedFaults)
            // the restored state works: the fault still fires, the seeded code still approves
            #expect(try await api.startVerification(service, to: "+15005550199").status == .forbidden)
            #expect(try await api.check(service, code: code).decode(VerificationCheckResource.self).status == .approved)
            // and restores again, as often as a suite's tests need
            #expect(try await api.post("/emulator/v1/snapshots/seeded/restore", [], auth: nil).status == .ok)
            #expect(try await api.check(service, code: code).decode(VerificationCheckResource.self).status == .approved)
        }
    }

    @Test("list, replace, delete; unknown names are 404 and bad names 400, naming the field")
    func manage() async throws {
        try await withEmulator { api in
            _ = try await seed(api)
            #expect(try await api.postJSON("/emulator/v1/snapshots", ["name": "seeded"], auth: nil).status == .ok)
            #expect(try await api.postJSON("/emulator/v1/snapshots", ["name": "b-2.x_y"], auth: nil).status == .created)
            let listed = try await api.get("/emulator/v1/snapshots", auth: nil).decode([String: [Snapshot]].self)
            #expect(listed["snapshots"]?.map(\.name) == ["b-2.x_y", "seeded"])
            for bad in ["../escape", ".hidden", "", String(repeating: "a", count: 65), "a b", "ü"] {
                let refused = try await api.postJSON("/emulator/v1/snapshots", ["name": bad], auth: nil)
                #expect(refused.status == .badRequest, "\(bad)")
                #expect(refused.error?.message.contains("name") == true)
            }
            let extra = try await api.postJSON("/emulator/v1/snapshots", ["name": "x", "nmae": "y"], auth: nil)
            #expect(extra.status == .badRequest)
            #expect(try await api.post("/emulator/v1/snapshots/nope/restore", [], auth: nil).status == .notFound)
            #expect(try await api.request(.delete, "/emulator/v1/snapshots/nope", auth: nil).status == .notFound)
            #expect(try await api.request(.delete, "/emulator/v1/snapshots/seeded", auth: nil).status == .noContent)
            let after = try await api.get("/emulator/v1/snapshots", auth: nil).decode([String: [Snapshot]].self)
            #expect(after["snapshots"]?.map(\.name) == ["b-2.x_y"])
        }
    }

    @Test("beside a database file, snapshots are files that outlive the emulator")
    func persisted() async throws {
        let path = temporaryDatabasePath()
        let code = Mutex<String>("")
        try await withEmulator(databasePath: path) { api in
            let (_, sent) = try await seed(api)
            code.withLock { $0 = sent }
        }
        #expect(FileManager.default.fileExists(atPath: path + ".snapshots/seeded.sqlite"))
        try await withEmulator(databasePath: path) { api in
            let listed = try await api.get("/emulator/v1/snapshots", auth: nil).decode([String: [Snapshot]].self)
            #expect(listed["snapshots"]?.map(\.name) == ["seeded"])
            _ = try await api.post("/emulator/v1/reset", [], auth: nil)
            #expect(try await api.lastMessage() == nil)
            #expect(try await api.post("/emulator/v1/snapshots/seeded/restore", [], auth: nil).status == .ok)
            #expect(try await api.lastMessage()?.code == code.withLock { $0 })
        }
    }

    @Test("the current state downloads as a SQLite file that --import starts from, clock and faults included")
    func downloadAndImport() async throws {
        let file = URL(fileURLWithPath: temporaryDatabasePath())
        let seeded = Mutex<(String, String)>(("", ""))
        try await withEmulator { api in
            let (service, code) = try await seed(api)
            seeded.withLock { $0 = (service, code) }
            let download = try await api.get("/emulator/v1/database", auth: nil)
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/vnd.sqlite3")
            #expect(download.headers[.contentDisposition]?.contains("verify-emulator.sqlite") == true)
            try download.body.write(to: file)
            let named = try await api.get("/emulator/v1/snapshots/seeded/database", auth: nil)
            #expect(named.status == .ok && named.body.starts(with: Data("SQLite format 3".utf8)))
        }
        // a plain SQLite file: the service is there
        let copy = try DatabaseQueue(path: file.path)
        let (service, code) = seeded.withLock { $0 }
        let services = try await copy.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM service WHERE sid = ?", arguments: [service])
        }
        #expect(services == 1)
        try copy.close()

        try await withEmulator(databasePath: temporaryDatabasePath(), configure: { $0.importPath = file.path }) { api in
            #expect(try await api.lastMessage()?.code == code)
            #expect(TwilioDate.format(api.clock.now()) == "2031-05-06T07:08:09Z")
            #expect(try await faults(api).count == 1)
            #expect(try await api.check(service, code: code).decode(VerificationCheckResource.self).status == .approved)
            // the state table does not stay in the live database
            let again = try await api.get("/emulator/v1/snapshots", auth: nil)
            #expect(again.status == .ok)
        }
    }

    @Test("--import of a missing file, a text file or another app's SQLite stops start-up naming the file")
    func badImports() async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = folder.appending(path: "notes.txt")
        try Data("hello".utf8).write(to: text)
        let other = folder.appending(path: "other.sqlite")
        let otherDatabase = try DatabaseQueue(path: other.path)
        try await otherDatabase.write { try $0.execute(sql: "CREATE TABLE t (x)") }
        try otherDatabase.close()
        for (path, reason) in [
            (folder.appending(path: "missing.sqlite").path, "no such file"), (text.path, "not a SQLite database"),
            (other.path, "not a verify-emulator database"),
        ] {
            var configuration = EmulatorConfiguration()
            configuration.databasePath = ":memory:"
            configuration.importPath = path
            let error = await #expect(throws: ConfigurationError.self) {
                _ = try await buildApplication(configuration: configuration)
            }
            #expect(error?.description.hasPrefix("--import \(path): \(reason)") == true, "\(String(describing: error))")
        }
    }
}
