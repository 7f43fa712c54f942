import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import NIOCore
import Synchronization
import Testing
import VerifyClient
import VerifyEmulator
import VerifyEmulatorTesting
import VerifyWire

@testable import AuthServer

@Suite("Auth server: refresh and logout")
struct RefreshTests {
    @Test("refresh rotates on every use; a replayed refresh token revokes its whole family")
    func rotation() async throws {
        try await withStack { stack in
            let first = try await stack.loginWithRefresh("+14155550130")
            let (status, body, headers) = try await stack.post(
                "/api/auth/refresh", #"{"refresh_token": "\#(first.refresh)"}"#)
            #expect(status == .ok)
            #expect(headers[.cacheControl] == "no-store")
            let second = try #require(body["refresh_token"] as? String)
            let access = try #require(body["access_token"] as? String)
            #expect(second != first.refresh)
            #expect(try await stack.protected("Bearer \(access)").0 == .ok)

            // replaying the rotated token: reuse detected, and the family's newer token dies too
            let (replay, replayBody, replayHeaders) = try await stack.post(
                "/api/auth/refresh", #"{"refresh_token": "\#(first.refresh)"}"#)
            #expect(replay == .unauthorized)
            #expect(replayHeaders[.wwwAuthenticate] == "Bearer")
            #expect((replayBody["msg"] as? String)?.contains("reuse detected") == true)
            let (afterReuse, afterBody, _) = try await stack.post(
                "/api/auth/refresh", #"{"refresh_token": "\#(second)"}"#)
            #expect(afterReuse == .unauthorized)
            #expect(afterBody["msg"] as? String == "Refresh token has been revoked")

            // another login (another family) is unaffected
            let other = try await stack.loginWithRefresh("+14155550130")
            #expect(try await stack.post("/api/auth/refresh", #"{"refresh_token": "\#(other.refresh)"}"#).0 == .ok)
        }
    }

    @Test("logout revokes the family and the access token until it expires")
    func logout() async throws {
        try await withStack { stack in
            let session = try await stack.loginWithRefresh("+14155550131")
            let (status, body, _) = try await stack.bearerPost("/api/auth/logout", session.access)
            #expect(status == .ok)
            #expect(body["message"] as? String == "Logged out")
            let (refused, refusedBody, _) = try await stack.protected("Bearer \(session.access)")
            #expect(refused == .unauthorized)
            #expect(refusedBody["msg"] as? String == "Token has been revoked")
            #expect(
                try await stack.post("/api/auth/refresh", #"{"refresh_token": "\#(session.refresh)"}"#).0
                    == .unauthorized)
            #expect(try await stack.bearerPost("/api/auth/logout", "not-a-token").0 == .unauthorized)
        }
    }

    @Test("logging out with a refreshed access token refuses the family's earlier access tokens too")
    func logoutRevokesTheFamily() async throws {
        try await withStack { stack in
            let session = try await stack.loginWithRefresh("+14155550132")
            let (_, refreshed, _) = try await stack.post(
                "/api/auth/refresh", #"{"refresh_token": "\#(session.refresh)"}"#)
            let second = try #require(refreshed["access_token"] as? String)
            #expect(try await stack.protected("Bearer \(session.access)").0 == .ok)
            #expect(try await stack.bearerPost("/api/auth/logout", second).0 == .ok)
            let (refused, body, _) = try await stack.protected("Bearer \(session.access)")
            #expect(refused == .unauthorized)
            #expect(body["msg"] as? String == "Token has been revoked")
            // another login of the same number is its own family, and works
            let other = try await stack.login("+14155550132")
            #expect(try await stack.protected("Bearer \(other)").0 == .ok)
        }
    }

    @Test("a replayed refresh token also refuses the access token the thief got by rotating it")
    func reuseRevokesStolenAccess() async throws {
        try await withStack { stack in
            let victim = try await stack.loginWithRefresh("+14155550133")
            // the thief rotates first and gets an access token of the family
            let (_, stolen, _) = try await stack.post("/api/auth/refresh", #"{"refresh_token": "\#(victim.refresh)"}"#)
            let thiefAccess = try #require(stolen["access_token"] as? String)
            #expect(try await stack.protected("Bearer \(thiefAccess)").0 == .ok)
            // the victim's client presents the same (already rotated) token: reuse detected
            let (replay, _, _) = try await stack.post("/api/auth/refresh", #"{"refresh_token": "\#(victim.refresh)"}"#)
            #expect(replay == .unauthorized)
            #expect(try await stack.protected("Bearer \(thiefAccess)").0 == .unauthorized)
            #expect(try await stack.protected("Bearer \(victim.access)").0 == .unauthorized)
        }
    }

    @Test("a refresh token never passes as an access token, nor the reverse")
    func noConfusion() async throws {
        try await withStack { stack in
            let session = try await stack.loginWithRefresh("+14155550132")
            let (asAccess, body, _) = try await stack.protected("Bearer \(session.refresh)")
            #expect(asAccess == .unauthorized)
            #expect(body["msg"] as? String == "Not enough segments")
            let (asRefresh, refreshBody, _) = try await stack.post(
                "/api/auth/refresh", #"{"refresh_token": "\#(session.access)"}"#)
            #expect(asRefresh == .unauthorized)
            #expect(refreshBody["msg"] as? String == "Invalid refresh token")
            #expect(try await stack.post("/api/auth/refresh", "{}").0 == .badRequest)
        }
    }

    @Test("an expired refresh token is refused")
    func expiredRefresh() async throws {
        try await withStack(configure: { $0.refreshTokenLifetime = .seconds(120) }) { stack in
            let session = try await stack.loginWithRefresh("+14155550133")
            stack.tokenClock.advance(121)
            let (status, body, _) = try await stack.post(
                "/api/auth/refresh", #"{"refresh_token": "\#(session.refresh)"}"#)
            #expect(status == .unauthorized)
            #expect(body["msg"] as? String == "Refresh token has expired")
        }
    }
}
