import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing
import VerifyEmulator
import VerifyWire

@testable import AuthServer

@Suite("Auth server: disabled accounts, and sessions in the database")
struct DisabledAccountTests {
    @Test("a disabled account cannot log in; its sessions, refresh tokens and access tokens stop at once")
    func disabledAccount() async throws {
        // on the suite's backend: a SQLite file, or PostgreSQL with AUTH_TEST_DATABASE_URL
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString).sqlite")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withAccounts(configure: { if TestBackend.postgresURL == nil { $0.databasePath = path } }) { stack in
            let operatorSettings = stack.configuration
            let browser = stack.browser()
            try await browser.register("sam")
            let (_, tokens, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "sam", "password": "correct-horse-battery"}"#)
            let access = try #require(tokens["access_token"] as? String)
            let refresh = try #require(tokens["refresh_token"] as? String)

            // the operator command works on the same file while the server runs
            #expect(
                try await setAccountDisabled(configuration: operatorSettings, login: "sam@example.com", disabled: true))
            #expect(
                try await setAccountDisabled(configuration: operatorSettings, login: "nobody", disabled: true) == false)

            #expect(try await browser.get("/profile").location == "/login")
            let web = try await stack.browser().login("sam")
            #expect(web.status == .forbidden)
            #expect(web.alert == "This account is disabled")
            let (api, apiBody, _) = try await stack.json(
                .post, "/api/accounts/login", #"{"login": "sam", "password": "correct-horse-battery"}"#)
            #expect(api == .forbidden)
            #expect(apiBody["message"] as? String == "This account is disabled")
            let wrongPassword = try await stack.browser().login("sam", password: "wrong-password")
            #expect(wrongPassword.alert == "Wrong username or password", "a wrong password does not reveal the state")
            let (protected, protectedBody, _) = try await stack.json(.get, "/api/auth/protected", token: access)
            #expect(protected == .unauthorized)
            #expect(protectedBody["msg"] as? String == "This account is disabled")
            let (refreshed, _, _) = try await stack.json(
                .post, "/api/auth/refresh", #"{"refresh_token": "\#(refresh)"}"#)
            #expect(refreshed == .unauthorized)

            #expect(try await setAccountDisabled(configuration: operatorSettings, login: "sam", disabled: false))
            #expect(try await stack.browser().login("sam").location == "/profile")
        }
    }

    @Test("sessions live in the SQLite file: they survive a restart; expired ones are refused and swept")
    func persistDriver() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString).sqlite")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let clock = TestClock(frozen: true)
        let first = WebSessionStore(database: try SQLiteDatabase.open(path: path), now: { clock.now() })
        var session = WebSession.fresh(flash: "hello")
        session.accountID = 7
        try await first.create(key: "hbs.a", value: session, expires: .seconds(60))
        await #expect(throws: PersistError.duplicate) {
            try await first.create(key: "hbs.a", value: session, expires: .seconds(60))
        }
        try await first.set(key: "hbs.b", value: session, expires: nil)

        let reopened = WebSessionStore(database: try SQLiteDatabase.open(path: path), now: { clock.now() })
        let loaded = try #require(try await reopened.getWithTTL(key: "hbs.a", as: WebSession.self))
        #expect(loaded.object == session)
        #expect(loaded.ttl! > .seconds(59) && loaded.ttl! <= .seconds(60))
        #expect(try await reopened.getWithTTL(key: "hbs.b", as: WebSession.self)?.ttl == nil)
        // an update without expiry keeps the old expiry
        session.flash = nil
        try await reopened.set(key: "hbs.a", value: session, expires: nil)
        clock.advance(30)
        let kept = try #require(try await reopened.getWithTTL(key: "hbs.a", as: WebSession.self))
        #expect(kept.object.flash == nil)
        #expect(kept.ttl! <= .seconds(30))
        await #expect(throws: PersistError.invalidConversion) {
            try await reopened.get(key: "hbs.a", as: [Int].self)
        }
        clock.advance(31)
        #expect(try await reopened.get(key: "hbs.a", as: WebSession.self) == nil)
        try await reopened.sweep()
        let rows = try await #require(reopened.database as? GRDBSQLDatabase).writer.read { db in
            try String.fetchAll(db, sql: "SELECT key FROM web_session ORDER BY key")
        }
        #expect(rows == ["hbs.b"])
        let owners = try await #require(reopened.database as? GRDBSQLDatabase).writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT account_id FROM web_session")
        }
        #expect(owners == [7])
        try await reopened.remove(key: "hbs.b")
        #expect(try await reopened.get(key: "hbs.b", as: WebSession.self) == nil)
    }
}
