import Foundation
import HTTPTypes
import Testing
import VerifyEmulatorTesting

@testable import AuthServer

/// A SQLite database another process keeps locked past the busy timeout answers as PostgreSQL's
/// outage does (issue 26, item 10): 503 with `Retry-After`, not a 500.
@Suite("Auth server: a locked SQLite database")
struct SQLiteBusyTests {
    @Test("a write while another process holds the lock is a 503 with Retry-After, then works again")
    func lockedIs503() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "auth-busy-\(UUID().uuidString).sqlite"
        )
        .path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try await withAccounts(configure: { $0.databasePath = path }) { stack in
            let lock = try await SQLiteWriteLock.hold(path: path)
            // the send's limit check writes: it waits out the 5 s busy timeout, then gives up
            let (status, body, headers) = try await stack.json(
                .post, "/api/auth/send-verification", #"{"phone_number": "+14155550161"}"#)
            #expect(status == .serviceUnavailable)
            #expect(headers[.retryAfter] == "5")
            #expect((body["message"] as? String)?.contains("database is unavailable") == true)
            try await lock.release()
            let (after, _, _) = try await stack.json(
                .post, "/api/auth/send-verification", #"{"phone_number": "+14155550161"}"#)
            #expect(after == .ok)
        }
    }
}
