import Hummingbird
import NIOCore
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `/emulator/v1/snapshots`: save the whole state under a name, restore it, list and delete
/// snapshots, and download a snapshot or the current state as a SQLite file
/// (`/emulator/v1/database`), which `--import` starts from.
///
/// ```sh
/// curl -X POST localhost:4010/emulator/v1/snapshots -d '{"name": "seeded"}'
/// curl -X POST localhost:4010/emulator/v1/snapshots/seeded/restore
/// ```
struct SnapshotsAPI: Sendable {
    let snapshots: SnapshotStore
    /// Reloaded after a restore: the snapshot holds the accounts made at run time then.
    let accounts: AccountStore

    struct SaveRequest: Decodable {
        var name: String
    }

    func addRoutes(to router: Router<EmulatorRequestContext>) {
        router.get("/emulator/v1/snapshots") { _, _ in
            try JSONResponse.make(["snapshots": try await snapshots.list()])
        }
        router.post("/emulator/v1/snapshots") { request, context in
            let body = try await request.controlBody(
                SaveRequest.self, accepts: .object(["name": nil]), context: context)
            let (summary, replaced) = try await answer(request) { try await snapshots.save(name: body.name) }
            return try JSONResponse.make(summary, status: replaced ? .ok : .created)
        }
        router.post("/emulator/v1/snapshots/:name/restore") { request, context in
            let name = context.parameters.get("name") ?? ""
            let summary = try await answer(request) { try await snapshots.restore(name: name) }
            try await accounts.load()
            return try JSONResponse.make(summary)
        }
        router.delete("/emulator/v1/snapshots/:name") { request, context in
            let name = context.parameters.get("name") ?? ""
            guard try snapshots.delete(name: name) else { throw Self.error(.unknown(name), path: request.uri.path) }
            return Response(status: .noContent)
        }
        router.get("/emulator/v1/snapshots/:name/database") { request, context in
            let name = context.parameters.get("name") ?? ""
            let bytes = try await answer(request) { try await snapshots.databaseBytes(of: name) }
            return Self.sqliteFile(bytes, name: "\(name).sqlite")
        }
        router.get("/emulator/v1/database") { _, _ in
            let file = try await snapshots.currentDatabaseFile()
            defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
            return Self.sqliteFile(try Data(contentsOf: file), name: "verify-emulator.sqlite")
        }
    }

    /// Runs `operation`, answering a snapshot problem as a Twilio-shaped error.
    private func answer<T>(_ request: Request, _ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let problem as SnapshotStore.Problem {
            throw Self.error(problem, path: request.uri.path)
        }
    }

    static func error(_ problem: SnapshotStore.Problem, path: String) -> TwilioError {
        switch problem {
        case .badName(let hint): .invalidParameter("name", hint: hint)
        case .unknown(let name): .notFound(path, hint: "no snapshot named '\(name)'")
        case .notAnEmulatorDatabase(let hint): .invalidParameter("file", hint: hint)
        }
    }

    static func sqliteFile(_ bytes: Data, name: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "application/vnd.sqlite3",
                .contentDisposition: "attachment; filename=\"\(name)\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
