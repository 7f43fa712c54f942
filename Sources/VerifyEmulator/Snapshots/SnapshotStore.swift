// Foundation, not FoundationEssentials: FileManager's temporary directory, and rename(2)
import Foundation
import GRDB
import Synchronization
import VerifyWire

/// Named copies of the whole emulator state: the database, the clock and the fault rules.
///
/// A snapshot is a SQLite database made with SQLite's online backup (consistent while requests
/// keep writing) plus an `emulator_state` table holding the clock and the fault rules; the same
/// file is what `GET /emulator/v1/database` downloads and `--import` starts from. Restoring copies
/// it back over the live database with the same backup (milliseconds for a test suite's seed),
/// sets the clock to the instant it was saved (running or frozen, as it was) and puts the fault
/// rules back, so a suite can seed once and restore before every test.
///
/// Beside a database file the snapshots are files too (`<db>.snapshots/<name>.sqlite`), kept
/// across restarts; with `:memory:` they live in memory.
final class SnapshotStore: Sendable {
    let writer: any DatabaseWriter
    let clock: EmulatorClock
    let faults: FaultRules
    /// Where snapshot files live; nil keeps them in memory.
    let directory: URL?
    private let inMemory = Mutex<[String: DatabaseQueue]>([:])

    /// What a snapshot holds besides the database, as its `emulator_state` table stores it.
    struct State: Codable, Sendable {
        var name: String
        var savedAt: Date
        /// The emulator clock's reading when it was saved.
        var clockTime: Date
        var clockFrozen: Bool
        var faults: [FaultRule]
    }

    /// A snapshot as the control API lists it.
    struct Summary: Encodable, Sendable {
        var name: String
        var savedAt: String
        var emulatorTime: String
        var clockFrozen: Bool
        var faultRules: Int
        var sizeBytes: Int

        enum CodingKeys: String, CodingKey {
            case name
            case savedAt = "saved_at"
            case emulatorTime = "emulator_time"
            case clockFrozen = "clock_frozen"
            case faultRules = "fault_rules"
            case sizeBytes = "size_bytes"
        }
    }

    /// Why a snapshot operation was refused, in words the control API returns.
    enum Problem: Error, Equatable {
        case badName(String)
        case unknown(String)
        case notAnEmulatorDatabase(String)
    }

    init(writer: any DatabaseWriter, clock: EmulatorClock, faults: FaultRules, databasePath: String) {
        self.writer = writer
        self.clock = clock
        self.faults = faults
        self.directory = databasePath == ":memory:" ? nil : URL(fileURLWithPath: databasePath + ".snapshots")
    }

    /// 1 to 64 letters, digits, `.`, `_` or `-`, not starting with a dot: a file name anywhere.
    static func problem(withName name: String) -> String? {
        let allowed = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "._-".utf8.contains(byte)
        }
        guard (1...64).contains(name.utf8.count), allowed, !name.hasPrefix(".") else {
            return "name must be 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'"
        }
        return nil
    }

    // MARK: Save, restore, list, delete

    /// Saves the current state under `name`, replacing a snapshot of that name; whether it did.
    func save(name: String) async throws -> (Summary, replaced: Bool) {
        if let problem = Self.problem(withName: name) { throw Problem.badName(problem) }
        let state = State(
            name: name, savedAt: Date(), clockTime: clock.now(), clockFrozen: clock.isFrozen, faults: faults.all())
        guard let directory else {
            let copy = try DatabaseQueue()
            try await copyState(into: copy, state: state)
            let replaced = inMemory.withLock { $0.updateValue(copy, forKey: name) != nil }
            return (try await summary(of: copy), replaced)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appending(path: "\(name).sqlite")
        let partial = directory.appending(path: ".\(name).partial")
        try? FileManager.default.removeItem(at: partial)
        let copy = try DatabaseQueue(path: partial.path)
        try await copyState(into: copy, state: state)
        try copy.close()
        let replaced = FileManager.default.fileExists(atPath: file.path)
        // the finished copy takes the name at once: a reader never sees half a snapshot
        guard rename(partial.path, file.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
        }
        return (try await summary(of: try Self.openReadOnly(file)), replaced)
    }

    /// Puts the snapshot `name` back: the database, the clock and the fault rules.
    func restore(name: String) async throws -> Summary {
        let source = try snapshot(named: name)
        let summary = try await summary(of: source)
        try await restore(from: source)
        return summary
    }

    /// Copies `source` (a snapshot or an imported file) over the live database, brings its schema
    /// up to date, and applies the clock and fault rules it holds (when it holds them).
    func restore(from source: DatabaseQueue) async throws {
        try await Self.requireEmulatorDatabase(source)
        try await writer.writeWithoutTransaction { destination in
            try source.read { database in try database.backup(to: destination) }
        }
        try EmulatorDatabase.migrator.migrate(writer)
        let state = try await writer.write { db -> State? in
            guard try db.tableExists("emulator_state") else { return nil }
            let json = try String.fetchOne(db, sql: "SELECT value FROM emulator_state WHERE key = 'state'")
            try db.execute(sql: "DROP TABLE emulator_state")
            return try json.map { try JSONDecoder.snapshot.decode(State.self, from: Data($0.utf8)) }
        }
        if let state {
            clock.set(to: state.clockTime, frozen: state.clockFrozen)
            faults.replace(with: state.faults)
        }
    }

    func list() async throws -> [Summary] {
        var summaries: [Summary] = []
        for name in try names() {
            summaries.append(try await summary(of: try snapshot(named: name)))
        }
        return summaries
    }

    /// Deletes the snapshot `name`; false when there is none.
    func delete(name: String) throws -> Bool {
        guard let directory else { return inMemory.withLock { $0.removeValue(forKey: name) != nil } }
        guard Self.problem(withName: name) == nil else { return false }
        let file = directory.appending(path: "\(name).sqlite")
        guard FileManager.default.fileExists(atPath: file.path) else { return false }
        try FileManager.default.removeItem(at: file)
        return true
    }

    // MARK: Files

    /// A SQLite file of the current state (with its clock and fault rules), for
    /// `GET /emulator/v1/database`: made in a temporary folder, which the caller removes.
    func currentDatabaseFile() async throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "verify-emulator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appending(path: "verify-emulator.sqlite")
        let copy = try DatabaseQueue(path: file.path)
        try await copyState(
            into: copy,
            state: State(
                name: "download", savedAt: Date(), clockTime: clock.now(), clockFrozen: clock.isFrozen,
                faults: faults.all()))
        try copy.close()
        return file
    }

    /// The bytes of the snapshot `name` as a SQLite file.
    func databaseBytes(of name: String) async throws -> Data {
        let source = try snapshot(named: name)
        if directory != nil {
            return try Data(contentsOf: URL(fileURLWithPath: source.path))
        }
        // an in-memory snapshot: written out through a temporary file
        let folder = FileManager.default.temporaryDirectory.appending(path: "verify-emulator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "snapshot.sqlite")
        let copy = try DatabaseQueue(path: file.path)
        try await source.read { database in try copy.writeWithoutTransaction { try database.backup(to: $0) } }
        try copy.close()
        return try Data(contentsOf: file)
    }

    /// Opens `path` read-only for `--import`, refusing a file that is not an emulator database.
    static func openImport(path: String) async throws -> DatabaseQueue {
        guard FileManager.default.fileExists(atPath: path) else {
            throw Problem.notAnEmulatorDatabase("\(path): no such file")
        }
        let source: DatabaseQueue
        do {
            source = try openReadOnly(URL(fileURLWithPath: path))
        } catch {
            throw Problem.notAnEmulatorDatabase("\(path): not a SQLite database")
        }
        try await requireEmulatorDatabase(source, named: path)
        return source
    }

    // MARK: Helpers

    private func names() throws -> [String] {
        guard let directory else { return inMemory.withLock { $0.keys.sorted() } }
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sqlite") && !$0.hasPrefix(".") }
            .map { String($0.dropLast(".sqlite".count)) }
            .filter { Self.problem(withName: $0) == nil }
            .sorted()
    }

    private func snapshot(named name: String) throws -> DatabaseQueue {
        guard let directory else {
            guard let copy = inMemory.withLock({ $0[name] }) else { throw Problem.unknown(name) }
            return copy
        }
        let file = directory.appending(path: "\(name).sqlite")
        guard Self.problem(withName: name) == nil, FileManager.default.fileExists(atPath: file.path) else {
            throw Problem.unknown(name)
        }
        return try Self.openReadOnly(file)
    }

    private static func openReadOnly(_ file: URL) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: file.path, configuration: configuration)
    }

    /// The live database backed up into `copy`, with `state` in its `emulator_state` table.
    private func copyState(into copy: DatabaseQueue, state: State) async throws {
        try await writer.read { database in
            try copy.writeWithoutTransaction { try database.backup(to: $0) }
        }
        // the copy took the live file's WAL flag with its first page: a snapshot is one plain file
        // (opened read-only later, which a WAL file without its -shm cannot be)
        try await copy.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
        }
        let json = String(decoding: try JSONEncoder.snapshot.encode(state), as: UTF8.self)
        try await copy.write { db in
            try db.execute(sql: "CREATE TABLE emulator_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            try db.execute(sql: "INSERT INTO emulator_state (key, value) VALUES ('state', ?)", arguments: [json])
        }
    }

    private func summary(of source: DatabaseQueue) async throws -> Summary {
        try await source.read { db in
            let json = try String.fetchOne(db, sql: "SELECT value FROM emulator_state WHERE key = 'state'") ?? "{}"
            let state = try JSONDecoder.snapshot.decode(State.self, from: Data(json.utf8))
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return Summary(
                name: state.name, savedAt: TwilioDate.format(state.savedAt),
                emulatorTime: TwilioDate.format(state.clockTime), clockFrozen: state.clockFrozen,
                faultRules: state.faults.count, sizeBytes: pages * pageSize)
        }
    }

    /// Refuses a database this emulator did not make (no `v1` migration recorded).
    private static func requireEmulatorDatabase(
        _ source: DatabaseQueue, named name: String = "the snapshot"
    )
        async throws
    {
        let isEmulator = try await source.read { db in
            guard try db.tableExists("grdb_migrations") else { return false }
            return try String.fetchOne(
                db, sql: "SELECT identifier FROM grdb_migrations WHERE identifier = ?",
                arguments: ["v1: services, verifications, messages"]) != nil
        }
        guard isEmulator else {
            throw Problem.notAnEmulatorDatabase("\(name): not a verify-emulator database (no emulator schema)")
        }
    }
}

extension JSONEncoder {
    /// Snapshot state: dates as milliseconds since 1970, so a restore sets the clock exactly.
    static var snapshot: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }
}

extension JSONDecoder {
    static var snapshot: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }
}
