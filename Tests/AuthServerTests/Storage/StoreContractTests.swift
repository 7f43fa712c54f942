import Foundation
import Hummingbird
import Logging
import Testing

@testable import AuthServer

/// What every auth store promises, on each database (``StoreBackend``): the same calls, the same
/// answers, and under concurrency (two replicas' connections at once) the same counts. The stores
/// are written once; this suite is what keeps the two databases' behaviour one.
@Suite("Auth stores: one contract on SQLite and PostgreSQL")
struct StoreContractTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    // MARK: Accounts

    @Test(
        "accounts: found by username or email in any case; names and emails unique whatever their case",
        arguments: StoreBackend.available)
    func accounts(backend: StoreBackend) async throws {
        try await backend.with { storage in
            let accounts = storage.accounts
            _ = try await accounts.create(
                username: "other", email: "other@example.com", passwordHash: "x", now: Self.now)
            let alice = try await accounts.create(
                username: "Alice", email: "Alice@Example.com", passwordHash: "h", now: Self.now)
            #expect(alice.sid.hasPrefix("US") && alice.sid.count == 34)
            #expect(alice.createdAt == Self.now.timeIntervalSince1970 && alice.secondFactors.isEmpty)
            #expect(try await accounts.find(login: "ALICE") == alice)
            #expect(try await accounts.find(login: "alice@example.COM") == alice)
            #expect(try await accounts.find(email: "ALICE@example.com") == alice)
            #expect(try await accounts.find(id: alice.id) == alice)
            #expect(try await accounts.find(sid: alice.sid) == alice)
            #expect(try await accounts.find(login: "nobody") == nil)
            await #expect(throws: AccountConflict.username) {
                try await accounts.create(username: "aLiCe", email: "new@example.com", passwordHash: "x", now: Self.now)
            }
            await #expect(throws: AccountConflict.email) {
                try await accounts.create(username: "bob", email: "ALICE@example.com", passwordHash: "x", now: Self.now)
            }
            await #expect(throws: AccountConflict.username) {
                try await accounts.updateProfile(id: alice.id, username: "OTHER", about: "", now: Self.now)
            }
            let renamed = try await accounts.updateProfile(
                id: alice.id, username: "alice2", about: "hi", now: Self.now.addingTimeInterval(5))
            #expect(renamed.username == "alice2" && renamed.about == "hi" && renamed.id == alice.id)
            // its own name in another case is not a conflict with itself
            _ = try await accounts.updateProfile(id: alice.id, username: "ALICE2", about: "hi", now: Self.now)
            try await accounts.setPendingPhone(id: alice.id, phone: "+14155550100")
            #expect(try await accounts.find(id: alice.id)?.pendingPhone == "+14155550100")
            try await accounts.setPendingPhone(id: alice.id, phone: nil)
            #expect(try await accounts.find(id: alice.id)?.pendingPhone == nil)
        }
    }

    @Test(
        "two replicas registering one name at once: exactly one account, the other a conflict",
        arguments: StoreBackend.available)
    func concurrentRegistrations(backend: StoreBackend) async throws {
        try await backend.withReplicas { first, second in
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    let accounts = index % 2 == 0 ? first.accounts : second.accounts
                    group.addTask {
                        do {
                            _ = try await accounts.create(
                                username: index % 4 < 2 ? "Race" : "race", email: "race\(index)@example.com",
                                passwordHash: "x", now: Self.now)
                            return true
                        } catch AccountConflict.username {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
        }
    }

    @Test(
        "login challenges: live until they expire, a push challenge remembered, deleted once used",
        arguments: StoreBackend.available)
    func challenges(backend: StoreBackend) async throws {
        try await backend.with { storage in
            let accounts = storage.accounts
            let bob = try await accounts.create(
                username: "bob", email: "bob@example.com", passwordHash: "x", now: Self.now)
            let token = try await accounts.createChallenge(accountID: bob.id, now: Self.now, lifetime: 300)
            #expect(try await accounts.challengeAccount(token, now: Self.now.addingTimeInterval(299))?.id == bob.id)
            #expect(try await accounts.challengeAccount(token, now: Self.now.addingTimeInterval(300)) == nil)
            #expect(try await accounts.challengeAccount("not-a-token", now: Self.now) == nil)
            #expect(try await accounts.pushChallenge(token) == nil)
            try await accounts.setPushChallenge(token, sid: "YC00000000000000000000000000000001")
            #expect(try await accounts.pushChallenge(token) == "YC00000000000000000000000000000001")
            try await accounts.deleteChallenge(token)
            #expect(try await accounts.challengeAccount(token, now: Self.now) == nil)
            // a new challenge sweeps the expired ones
            let old = try await accounts.createChallenge(accountID: bob.id, now: Self.now, lifetime: 10)
            _ = try await accounts.createChallenge(
                accountID: bob.id, now: Self.now.addingTimeInterval(20), lifetime: 10)
            #expect(try await accounts.challengeAccount(old, now: Self.now) == nil)
        }
    }

    // MARK: The rule: a new password or a disabled account ends every session

    @Test(
        "a password change ends the other sessions, the challenges and the token families, keeping the caller's",
        arguments: StoreBackend.available)
    func passwordChangeEndsSessions(backend: StoreBackend) async throws {
        try await backend.withReplicas { storage, other in
            let accounts = storage.accounts
            let carol = try await accounts.create(
                username: "carol", email: "carol@example.com", passwordHash: "old", now: Self.now)
            let dave = try await accounts.create(
                username: "dave", email: "dave@example.com", passwordHash: "x", now: Self.now)
            let (token, family) = try await storage.refreshTokens.startFamily(
                subject: carol.sid, now: Self.now, lifetime: 3600)
            let (daveToken, _) = try await storage.refreshTokens.startFamily(
                subject: dave.sid, now: Self.now, lifetime: 3600)
            let sessions = storage.sessions
            try await sessions.create(key: "keep", value: WebSession(csrfToken: "a", accountID: carol.id), expires: nil)
            try await sessions.create(key: "gone", value: WebSession(csrfToken: "b", accountID: carol.id), expires: nil)
            try await sessions.create(key: "dave", value: WebSession(csrfToken: "c", accountID: dave.id), expires: nil)
            let challenge = try await accounts.createChallenge(accountID: carol.id, now: Self.now, lifetime: 300)
            let later = Self.now.addingTimeInterval(60)

            try await accounts.setPassword(carol, hash: "new", now: later, keepSession: "keep")

            let changed = try #require(try await accounts.find(id: carol.id))
            #expect(changed.passwordHash == "new" && changed.sessionsValidAfter == later.timeIntervalSince1970)
            #expect(try await sessions.get(key: "keep", as: WebSession.self) != nil)
            #expect(try await sessions.get(key: "gone", as: WebSession.self) == nil)
            #expect(try await sessions.get(key: "dave", as: WebSession.self) != nil)
            #expect(try await accounts.challengeAccount(challenge, now: later) == nil)
            #expect(storage.refreshTokens.isRevoked(family: family))
            #expect(try await storage.refreshTokens.rotate(token, now: later, lifetime: 3600) == .revoked)
            if case .rotated = try await storage.refreshTokens.rotate(daveToken, now: later, lifetime: 3600) {
            } else {
                Issue.record("another account's token family was touched")
            }
            // a replica that (re)starts reads the revoked family from the database
            try await other.refreshTokens.reload(now: later)
            #expect(other.refreshTokens.isRevoked(family: family))
        }
    }

    @Test(
        "disabling ends every session; re-enabling does not bring them back; unknown logins are nil",
        arguments: StoreBackend.available)
    func disablingEndsSessions(backend: StoreBackend) async throws {
        try await backend.with { storage in
            let accounts = storage.accounts
            let erin = try await accounts.create(
                username: "erin", email: "erin@example.com", passwordHash: "x", now: Self.now)
            let (token, family) = try await storage.refreshTokens.startFamily(
                subject: erin.sid, now: Self.now, lifetime: 3600)
            try await storage.sessions.create(
                key: "erin", value: WebSession(csrfToken: "a", accountID: erin.id), expires: nil)
            #expect(try await accounts.setDisabled(reference: "nobody", disabled: true, now: Self.now) == nil)
            let disabled = try #require(
                try await accounts.setDisabled(reference: "ERIN", disabled: true, now: Self.now))
            #expect(disabled.isDisabled && disabled.sessionsValidAfter == Self.now.timeIntervalSince1970)
            #expect(try await storage.sessions.get(key: "erin", as: WebSession.self) == nil)
            #expect(storage.refreshTokens.isRevoked(family: family))
            let enabled = try #require(
                try await accounts.setDisabled(reference: "erin@example.com", disabled: false, now: Self.now))
            #expect(!enabled.isDisabled)
            #expect(try await storage.refreshTokens.rotate(token, now: Self.now, lifetime: 3600) == .revoked)
        }
    }

    // MARK: The rule: recovery codes follow the first and the last factor

    @Test(
        "the first factor issues recovery codes, a second does not, removing the last drops them",
        arguments: StoreBackend.available)
    func recoveryCodesFollowFactors(backend: StoreBackend) async throws {
        try await backend.with { storage in
            let factors = storage.factors
            let frank = try await storage.accounts.create(
                username: "frank", email: "frank@example.com", passwordHash: "x", now: Self.now)
            let id = frank.id
            let codes = RecoveryCodes.make()
            #expect(
                try await factors.enableSMS(accountID: id, phone: "+14155550101", recoveryCodes: codes, now: Self.now))
            #expect(try await factors.unusedRecoveryCodes(accountID: id) == RecoveryCodes.count)
            #expect(
                try await !factors.enableTOTP(
                    accountID: id, factorSid: "YF01", recoveryCodes: RecoveryCodes.make(), now: Self.now))
            // the first set still works: the second factor did not replace it
            #expect(try await factors.useRecoveryCode(accountID: id, code: codes[0], now: Self.now))
            #expect(try await !factors.useRecoveryCode(accountID: id, code: codes[0], now: Self.now))
            #expect(try await factors.unusedRecoveryCodes(accountID: id) == RecoveryCodes.count - 1)
            let account = try #require(try await storage.accounts.find(id: id))
            #expect(account.secondFactors == [.totp, .sms] && account.phone == "+14155550101")
            try await factors.disableSMS(accountID: id, now: Self.now)
            #expect(try await factors.unusedRecoveryCodes(accountID: id) == RecoveryCodes.count - 1)
            try await factors.disableTOTP(accountID: id, now: Self.now)
            #expect(try await factors.unusedRecoveryCodes(accountID: id) == 0)
            #expect(try await storage.accounts.find(id: id)?.secondFactors == [])
            // push: a new phone replaces the old (removed, added), the same phone changes nothing
            #expect(
                try await factors.enablePush(
                    accountID: id, factorSid: "YF02", name: "Pixel", recoveryCodes: codes, now: Self.now))
            #expect(
                try await !factors.enablePush(
                    accountID: id, factorSid: "YF02", name: "Pixel", recoveryCodes: codes, now: Self.now))
            #expect(
                try await !factors.enablePush(
                    accountID: id, factorSid: "YF03", name: "iPhone", recoveryCodes: codes, now: Self.now))
            #expect(try await storage.accounts.find(id: id)?.pushDeviceName == "iPhone")
            try await factors.disablePush(accountID: id, now: Self.now)
            try await factors.disablePush(accountID: id, now: Self.now)
            #expect(try await factors.unusedRecoveryCodes(accountID: id) == 0)
            let events = try await factors.events(accountID: id, limit: 50).map {
                "\($0.subject.rawValue) \($0.action.rawValue)"
            }
            #expect(
                events.reversed() == [
                    "sms added", "recovery_codes issued", "totp added", "recovery_codes used", "sms removed",
                    "totp removed", "push added", "recovery_codes issued", "push removed", "push added",
                    "push removed",
                ])
            #expect(try await factors.events(accountID: id).count == events.count)
            #expect(try await factors.events(accountID: id, limit: 2).count == 2)
        }
    }

    @Test(
        "two replicas turning on two factors at once issue recovery codes exactly once",
        arguments: StoreBackend.available)
    func firstFactorRace(backend: StoreBackend) async throws {
        try await backend.withReplicas { first, second in
            for round in 0..<4 {
                let account = try await first.accounts.create(
                    username: "race\(round)", email: "race\(round)@example.com", passwordHash: "x", now: Self.now)
                async let sms = first.factors.enableSMS(
                    accountID: account.id, phone: "+14155550102", recoveryCodes: RecoveryCodes.make(), now: Self.now)
                async let totp = second.factors.enableTOTP(
                    accountID: account.id, factorSid: "YF\(round)", recoveryCodes: RecoveryCodes.make(), now: Self.now)
                let issued = try await [sms, totp]
                #expect(issued.filter { $0 }.count == 1)
                let issues = try await first.factors.events(accountID: account.id).filter { $0.action == .issued }
                #expect(issues.count == 1)
                #expect(try await second.factors.unusedRecoveryCodes(accountID: account.id) == RecoveryCodes.count)
            }
        }
    }

    @Test("one recovery code spent from two replicas at once signs in once", arguments: StoreBackend.available)
    func recoveryCodeSpentOnce(backend: StoreBackend) async throws {
        try await backend.withReplicas { first, second in
            let account = try await first.accounts.create(
                username: "gina", email: "gina@example.com", passwordHash: "x", now: Self.now)
            let codes = RecoveryCodes.make()
            _ = try await first.factors.enableSMS(
                accountID: account.id, phone: "+14155550103", recoveryCodes: codes, now: Self.now)
            let spent = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<10 {
                    let factors = index % 2 == 0 ? first.factors : second.factors
                    group.addTask {
                        try await factors.useRecoveryCode(accountID: account.id, code: codes[3], now: Self.now)
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(spent == 1)
            #expect(try await !first.factors.useRecoveryCode(accountID: account.id, code: "not-a-code", now: Self.now))
            // a new set voids the old
            try await second.factors.replaceRecoveryCodes(
                accountID: account.id, codes: RecoveryCodes.make(), now: Self.now)
            #expect(try await !first.factors.useRecoveryCode(accountID: account.id, code: codes[4], now: Self.now))
            #expect(try await first.factors.unusedRecoveryCodes(accountID: account.id) == RecoveryCodes.count)
        }
    }

    @Test(
        "a TOTP code is taken once within its window, again after it; passkeys are the account's own",
        arguments: StoreBackend.available)
    func totpAndPasskeys(backend: StoreBackend) async throws {
        try await backend.with { storage in
            let factors = storage.factors
            let hal = try await storage.accounts.create(
                username: "hal", email: "hal@example.com", passwordHash: "x", now: Self.now)
            let ida = try await storage.accounts.create(
                username: "ida", email: "ida@example.com", passwordHash: "x", now: Self.now)
            try await factors.setPendingTOTP(accountID: hal.id, factorSid: "YF10")
            #expect(try await storage.accounts.find(id: hal.id)?.pendingTOTPSid == "YF10")
            try await factors.setPendingTOTP(accountID: hal.id, factorSid: nil)
            #expect(try await storage.accounts.find(id: hal.id)?.pendingTOTPSid == nil)
            let accept = { (id: Int64, code: String, at: TimeInterval) in
                try await factors.acceptTOTPCode(
                    accountID: id, factorSid: "YF10", code: code, now: Self.now.addingTimeInterval(at), window: 90)
            }
            #expect(try await accept(hal.id, "123456", 0))
            #expect(try await !accept(hal.id, "123456", 30))
            #expect(try await accept(ida.id, "123456", 30))
            #expect(try await accept(hal.id, "654321", 31))
            #expect(try await accept(hal.id, "123456", 200))

            try await factors.addPasskey(accountID: hal.id, factorSid: "YF20", name: "YubiKey", now: Self.now)
            try await factors.addPasskey(accountID: hal.id, factorSid: "YF20", name: "YubiKey", now: Self.now)
            try await factors.addPasskey(
                accountID: hal.id, factorSid: "YF21", name: "Phone", now: Self.now.addingTimeInterval(1))
            #expect(
                try await factors.passkeys(accountID: hal.id) == [
                    StoredPasskey(factorSid: "YF20", name: "YubiKey", createdAt: Self.now.timeIntervalSince1970),
                    StoredPasskey(factorSid: "YF21", name: "Phone", createdAt: Self.now.timeIntervalSince1970 + 1),
                ])
            #expect(try await factors.passkeyOwner(factorSid: "YF21") == hal.id)
            #expect(try await factors.passkeyOwner(factorSid: "YF99") == nil)
            #expect(try await !factors.removePasskey(accountID: ida.id, factorSid: "YF20", now: Self.now))
            #expect(try await factors.removePasskey(accountID: hal.id, factorSid: "YF20", now: Self.now))
            #expect(try await !factors.removePasskey(accountID: hal.id, factorSid: "YF20", now: Self.now))
            #expect(try await factors.passkeys(accountID: hal.id).map(\.factorSid) == ["YF21"])
            let events = try await factors.events(accountID: hal.id).map {
                "\($0.subject.rawValue) \($0.action.rawValue)"
            }
            #expect(events == ["passkey removed", "passkey added", "passkey added"])
        }
    }

    // MARK: Refresh tokens

    @Test(
        "a refresh token presented to two replicas at once rotates exactly once; the replay revokes its family",
        arguments: StoreBackend.available)
    func rotatesExactlyOnce(backend: StoreBackend) async throws {
        try await backend.withReplicas { first, second in
            let (token, family) = try await first.refreshTokens.startFamily(
                subject: "US1", now: Self.now, lifetime: 3600)
            let outcomes = try await withThrowingTaskGroup(of: RefreshTokenStore.RotationOutcome.self) { group in
                for index in 0..<10 {
                    let store = index % 2 == 0 ? first.refreshTokens : second.refreshTokens
                    group.addTask { try await store.rotate(token, now: Self.now, lifetime: 3600) }
                }
                return try await group.reduce(into: [RefreshTokenStore.RotationOutcome]()) { $0.append($1) }
            }
            let rotated = outcomes.compactMap { outcome -> String? in
                if case .rotated(let next, let rotatedFamily, let subject, nil) = outcome {
                    #expect(rotatedFamily == family && subject == "US1")
                    return next
                }
                return nil
            }
            #expect(rotated.count == 1)
            // the first replay found it used (and revoked the family); later ones find it revoked
            #expect(outcomes.contains { if case .reused = $0 { true } else { false } })
            #expect(
                outcomes.allSatisfy {
                    switch $0 {
                    case .rotated, .reused, .revoked: true
                    default: false
                    }
                })
            #expect(try await first.refreshTokens.rotate(rotated[0], now: Self.now, lifetime: 3600) == .revoked)
            #expect(try await first.refreshTokens.rotate("unknown", now: Self.now, lifetime: 3600) == .unknown)
            let (short, _) = try await second.refreshTokens.startFamily(subject: "US2", now: Self.now, lifetime: 60)
            #expect(
                try await first.refreshTokens.rotate(short, now: Self.now.addingTimeInterval(60), lifetime: 60)
                    == .expired)
        }
    }

    @Test(
        "logout revokes the family and denylists the access token until it expires, for every replica",
        arguments: StoreBackend.available)
    func logout(backend: StoreBackend) async throws {
        try await backend.withReplicas(lifetime: 900) { first, second in
            let now = Date()
            let (token, family) = try await first.refreshTokens.startFamily(subject: "US3", now: now, lifetime: 3600)
            try await first.refreshTokens.logout(
                family: family, jti: "jti-1", accessExpiresAt: now.addingTimeInterval(900), now: now)
            try await first.refreshTokens.logout(
                family: nil, jti: "jti-2", accessExpiresAt: now.addingTimeInterval(-1), now: now)
            // logging out twice with one token is not an error
            try await first.refreshTokens.logout(
                family: family, jti: "jti-1", accessExpiresAt: now.addingTimeInterval(900), now: now)
            #expect(first.refreshTokens.isRevoked(jti: "jti-1") && first.refreshTokens.isRevoked(family: family))
            #expect(try await first.refreshTokens.rotate(token, now: now, lifetime: 3600) == .revoked)
            let revoked = try await second.refreshTokens.records.revocations(now: now, familyWindow: 900)
            #expect(revoked.jtis.map(\.0) == ["jti-1"])
            #expect(revoked.families.map(\.0) == [family])
            let old = try await second.refreshTokens.records.revocations(
                now: now.addingTimeInterval(901), familyWindow: 900)
            #expect(old.jtis.isEmpty && old.families.isEmpty)
        }
    }

    // MARK: Limits

    @Test(
        "concurrent hits through two replicas admit exactly the limit; a refused hit is not counted",
        arguments: StoreBackend.available)
    func sharedLimits(backend: StoreBackend) async throws {
        try await backend.withReplicas { first, second in
            let limit = RateLimit(kind: .sendPerRecipient, limit: 5, window: 600)
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<40 {
                    let store = index % 2 == 0 ? first.limits : second.limits
                    group.addTask { try await store.hit([(limit, "+14155550172")], now: Self.now) == nil }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(admitted == 5)
            #expect(try await first.limits.hit([(limit, "+14155550172")], now: Self.now.addingTimeInterval(10)) == 590)
            // stops at the first limit reached: the later one is not counted
            let perIP = RateLimit(kind: .loginPerIP, limit: 1, window: 60)
            #expect(
                try await second.limits.hit([(limit, "+14155550172"), (perIP, "192.0.2.9")], now: Self.now) == 600)
            #expect(try await second.limits.hit([(perIP, "192.0.2.9")], now: Self.now) == nil)
            #expect(try await second.limits.hit([], now: Self.now) == nil)
        }
    }

    @Test(
        "the sweep drops counters older than the longest window, and a key is free again once its hits are old",
        arguments: StoreBackend.available)
    func limitSweep(backend: StoreBackend) async throws {
        try await backend.with { storage in
            let store = storage.limits
            let limit = RateLimit(kind: .loginPerIP, limit: 1, window: 60)
            #expect(try await store.hit([(limit, "192.0.2.1")], now: Self.now) == nil)
            #expect(try await store.hit([(limit, "192.0.2.1")], now: Self.now.addingTimeInterval(20)) == 40)
            #expect(try await store.hit([(limit, "192.0.2.2")], now: Self.now.addingTimeInterval(30)) == nil)
            try await store.sweep(now: Self.now.addingTimeInterval(61), longestWindow: 60)
            let left = try await storage.database.read { db in
                try await db.fetchValue("SELECT count(*) FROM limit_hit", as: Int.self)
            }
            #expect(left == 1)
            #expect(try await store.hit([(limit, "192.0.2.1")], now: Self.now.addingTimeInterval(61)) == nil)
        }
    }

    // MARK: Web sessions

    @Test(
        "web sessions: one key once while it lives, expiry kept or set, swept, seen by the other replica",
        arguments: StoreBackend.available)
    func webSessions(backend: StoreBackend) async throws {
        try await backend.withReplicas { first, second in
            let clock = TestClock(frozen: true)
            let sessions = WebSessionStore(database: first.database, now: { clock.now() })
            let elsewhere = WebSessionStore(database: second.database, now: { clock.now() })
            let session = WebSession(csrfToken: "t", accountID: 7)
            try await sessions.create(key: "s1", value: session, expires: .seconds(60))
            await #expect(throws: PersistError.duplicate) {
                try await elsewhere.create(key: "s1", value: session, expires: .seconds(60))
            }
            #expect(try await elsewhere.get(key: "s1", as: WebSession.self) == session)
            let ttl = try #require(try await elsewhere.getWithTTL(key: "s1", as: WebSession.self)?.ttl)
            #expect(ttl == .seconds(60))
            // set without an expiry keeps the one it had
            var changed = session
            changed.flash = "saved"
            clock.advance(10)
            try await elsewhere.set(key: "s1", value: changed, expires: nil)
            #expect(try await sessions.getWithTTL(key: "s1", as: WebSession.self)?.ttl == .seconds(50))
            #expect(try await sessions.get(key: "s1", as: WebSession.self)?.flash == "saved")
            await #expect(throws: PersistError.invalidConversion) {
                try await sessions.get(key: "s1", as: [Int].self)
            }
            try await sessions.set(key: "s2", value: session, expires: nil)
            #expect(try await sessions.getWithTTL(key: "s2", as: WebSession.self)?.ttl == nil)
            clock.advance(50)
            #expect(try await sessions.get(key: "s1", as: WebSession.self) == nil)
            // an expired key may be created again
            try await elsewhere.create(key: "s1", value: session, expires: .seconds(5))
            clock.advance(5)
            try await sessions.sweep()
            let keys = try await first.database.read { db in
                try await db.fetchAll("SELECT key FROM web_session ORDER BY key").map {
                    try $0.decode(0, as: String.self)
                }
            }
            #expect(keys == ["s2"])
            try await elsewhere.remove(key: "s2")
            #expect(try await sessions.get(key: "s2", as: WebSession.self) == nil)
        }
    }

    // MARK: The database

    @Test(
        "a write transaction is the process's own while open: readiness and other writes wait for it",
        arguments: StoreBackend.available)
    func writesTakeTurns(backend: StoreBackend) async throws {
        try await backend.with { storage in
            let account = try await storage.accounts.create(
                username: "ivan", email: "ivan@example.com", passwordHash: "x", now: Self.now)
            async let slow: Void = storage.database.write { db in
                try await db.execute("UPDATE account SET about = 'first' WHERE id = \(account.id)")
                try await Task.sleep(for: .milliseconds(300))
                try await db.execute("UPDATE account SET about = about || ', then second' WHERE id = \(account.id)")
            }
            try await Task.sleep(for: .milliseconds(50))
            try await storage.readiness.checkWritable()
            try await storage.accounts.setPendingPhone(id: account.id, phone: "+14155550104")
            try await slow
            let after = try #require(try await storage.accounts.find(id: account.id))
            #expect(after.about == "first, then second" && after.pendingPhone == "+14155550104")
            // a failed transaction leaves nothing behind, and the next one runs
            await #expect(throws: SQLDecodingError.self) {
                try await storage.database.write { db in
                    try await db.execute("UPDATE account SET about = 'lost' WHERE id = \(account.id)")
                    throw SQLDecodingError(expected: "nothing", found: .null(.text))
                }
            }
            #expect(try await storage.accounts.find(id: account.id)?.about == "first, then second")
        }
    }

    // MARK: The SMS breaker

    @Test(
        "the SMS breaker counts two replicas' sends together and opens once; verified codes hold it shut",
        arguments: StoreBackend.available)
    func smsBreaker(backend: StoreBackend) async throws {
        try await backend.withReplicas { first, second in
            // an interval of zero: every judged send writes and reads, so the two replicas' counts
            // are exact at every step
            let stores = [first, second].map {
                SMSCountryStore(database: $0.database, interval: .zero, logger: Logger(label: "test"))
            }
            let breaker = SMSGateSettings.Breaker(minSends: 10, minVerifiedPercent: 50, cooldown: .seconds(60))
            // a country whose codes are verified does not trip
            for index in 0..<12 {
                #expect(
                    try await stores[index % 2].send(to: "FR", now: Self.now, breaker: breaker)
                        == .counted(tripped: nil))
                stores[(index + 1) % 2].verified(in: "FR", now: Self.now)
            }
            stores[0].verified(in: "GB", now: Self.now)
            let outcomes = try await withThrowingTaskGroup(of: SMSCountryStore.Send.self) { group in
                for index in 0..<24 {
                    let store = stores[index % 2]
                    group.addTask { try await store.send(to: "GB", now: Self.now, breaker: breaker) }
                }
                return try await group.reduce(into: [SMSCountryStore.Send]()) { $0.append($1) }
            }
            let trips = outcomes.filter { if case .counted(let tripped) = $0 { tripped != nil } else { false } }
            #expect(trips.count == 1)
            // a send already past the breaker's check when it opened is counted; every send that
            // starts after it opened is refused, at either replica
            for store in stores {
                #expect(
                    try await store.send(to: "GB", now: Self.now, breaker: breaker)
                        == .breakerOpen(until: Self.now.timeIntervalSince1970 + 60))
            }
            #expect(
                try await stores[1].send(to: "GB", now: Self.now.addingTimeInterval(59), breaker: breaker)
                    == .breakerOpen(until: Self.now.timeIntervalSince1970 + 60))
            // sends to both countries at once (batched together): each judged by its own country
            let mixed = try await withThrowingTaskGroup(of: (String, SMSCountryStore.Send).self) { group in
                for index in 0..<10 {
                    let country = index % 2 == 0 ? "GB" : "FR"
                    group.addTask {
                        (country, try await stores[index % 2].send(to: country, now: Self.now, breaker: breaker))
                    }
                }
                return try await group.reduce(into: [(String, SMSCountryStore.Send)]()) { $0.append($1) }
            }
            #expect(
                mixed.filter { $0.0 == "GB" }.allSatisfy {
                    $0.1 == .breakerOpen(until: Self.now.timeIntervalSince1970 + 60)
                })
            #expect(mixed.filter { $0.0 == "FR" }.allSatisfy { $0.1 == .counted(tripped: nil) })
            #expect(mixed.count == 10)
            // once it closes, only sends after it count: one more does not trip it again
            #expect(
                try await stores[0].send(to: "GB", now: Self.now.addingTimeInterval(61), breaker: breaker)
                    == .counted(tripped: nil))
            #expect(try await stores[0].send(to: "FR", now: Self.now, breaker: breaker) == .counted(tripped: nil))
            // the sweep keeps the last hour only
            try await stores[1].sweep(now: Self.now.addingTimeInterval(3600 + 60))
            let left = try await first.database.read { db in
                try await db.fetchValue("SELECT count(*) FROM sms_country_minute", as: Int.self)
            }
            #expect(left == 1)
        }
    }

    @Test(
        "the SMS breaker in batches an interval apart: exact on one replica, the other's trip seen within two intervals",
        arguments: StoreBackend.available)
    func smsBreakerBatches(backend: StoreBackend) async throws {
        try await backend.withReplicas { first, second in
            let interval = Duration.milliseconds(100)
            let stores = [first, second].map {
                SMSCountryStore(database: $0.database, interval: interval, logger: Logger(label: "test"))
            }
            let breaker = SMSGateSettings.Breaker(minSends: 40, minVerifiedPercent: 50, cooldown: .seconds(60))
            let open = SMSCountryStore.Send.breakerOpen(until: Self.now.timeIntervalSince1970 + 60)
            // the second replica's send is written before it reads, so the first one's read counts it
            #expect(try await stores[1].send(to: "GB", now: Self.now, breaker: breaker) == .counted(tripped: nil))
            let started = ContinuousClock.now
            for _ in 0..<38 {
                #expect(try await stores[0].send(to: "GB", now: Self.now, breaker: breaker) == .counted(tripped: nil))
            }
            // the 40th send trips it, counted exactly though most of the 39 before were never read
            #expect(
                try await stores[0].send(to: "GB", now: Self.now, breaker: breaker)
                    == .counted(tripped: .init(sends: 40, verified: 0)))
            let elapsed = ContinuousClock.now - started
            #expect(stores[0].tally.batches < 39)
            #expect(stores[0].tally.batches <= Int(elapsed / interval) + 2)
            #expect(try await stores[0].send(to: "GB", now: Self.now, breaker: breaker) == open)
            // the other replica's last reading is stale after two intervals: it reads the trip
            try await Task.sleep(for: interval * 2.5)
            #expect(try await stores[1].send(to: "GB", now: Self.now, breaker: breaker) == open)
            for store in stores { try await store.tally.flush() }
            let written = try await first.database.read { db in
                try await db.fetchValue(
                    "SELECT CAST(sum(sends) AS BIGINT) FROM sms_country_minute WHERE country = 'GB'", as: Int.self)
            }
            #expect(written == 42)

            // many sends and verified codes at once at both replicas, racing the batches: each
            // counted once, none lost
            let lenient = SMSGateSettings.Breaker(minSends: 1000, minVerifiedPercent: 50, cooldown: .seconds(60))
            let outcomes = try await withThrowingTaskGroup(of: SMSCountryStore.Send.self) { group in
                for index in 0..<200 {
                    let store = stores[index % 2]
                    group.addTask {
                        let outcome = try await store.send(to: "FR", now: Self.now, breaker: lenient)
                        store.verified(in: "FR", now: Self.now)
                        return outcome
                    }
                }
                return try await group.reduce(into: [SMSCountryStore.Send]()) { $0.append($1) }
            }
            #expect(outcomes.count == 200 && outcomes.allSatisfy { $0 == .counted(tripped: nil) })
            for store in stores { try await store.tally.flush() }
            let france = try await first.database.read { db in
                try await db.fetchAll(
                    "SELECT CAST(sum(sends) AS BIGINT), CAST(sum(verified) AS BIGINT) FROM sms_country_minute WHERE country = 'FR'"
                )
            }
            #expect(
                try france.first.map { [try $0.decode(0, as: Int.self), try $0.decode(1, as: Int.self)] } == [200, 200])
        }
    }

    @Test(
        "sessions: a login's device and address, updated by a refresh; ending one at a replica ends it for the other",
        arguments: StoreBackend.available)
    func deviceSessions(backend: StoreBackend) async throws {
        try await backend.withReplicas { first, second in
            let laptop = SessionClient(ip: "192.0.2.1", userAgent: "Laptop")
            let (token, family) = try await first.refreshTokens.startFamily(
                subject: "US9", now: Self.now, lifetime: 3600, client: laptop)
            let (_, phoneFamily) = try await second.refreshTokens.startFamily(
                subject: "US9", now: Self.now.addingTimeInterval(1), lifetime: 3600,
                client: SessionClient(ip: "192.0.2.2", userAgent: String(repeating: "x", count: 300)))
            _ = try await first.refreshTokens.startFamily(subject: "US8", now: Self.now, lifetime: 3600, client: laptop)
            var sessions = try await second.refreshTokens.sessions(subject: "US9", current: phoneFamily, now: Self.now)
            #expect(sessions.map(\.id) == [phoneFamily, family])
            #expect(sessions[0].current && !sessions[1].current && sessions[0].userAgent?.count == 256)
            guard
                case .rotated = try await second.refreshTokens.rotate(
                    token, now: Self.now.addingTimeInterval(5), lifetime: 3600,
                    client: SessionClient(ip: "192.0.2.3", userAgent: nil))
            else {
                Issue.record("the laptop's token did not rotate")
                return
            }
            sessions = try await first.refreshTokens.sessions(subject: "US9", current: nil, now: Self.now)
            #expect(
                sessions.first
                    == DeviceSession(
                        id: family, createdAt: Self.now.timeIntervalSince1970,
                        lastUsedAt: Self.now.timeIntervalSince1970 + 5,
                        ip: "192.0.2.3", userAgent: "Laptop"))
            // another subject's family cannot be ended through this one
            #expect(
                try await first.refreshTokens.endSessions(subject: "US8", only: family, keeping: nil, now: Self.now)
                    .isEmpty)
            #expect(
                try await first.refreshTokens.endSessions(subject: "US9", only: family, keeping: nil, now: Self.now)
                    == [family])
            #expect(first.refreshTokens.isRevoked(family: family))
            try await second.refreshTokens.reload(now: Self.now)
            #expect(
                second.refreshTokens.isRevoked(family: family) && !second.refreshTokens.isRevoked(family: phoneFamily))
            #expect(
                try await second.refreshTokens.sessions(subject: "US9", current: nil, now: Self.now).map(\.id) == [
                    phoneFamily
                ])
            #expect(try await second.refreshTokens.sessions(subject: "US8", current: nil, now: Self.now).count == 1)
            // expired sessions are not listed
            #expect(
                try await second.refreshTokens.sessions(
                    subject: "US9", current: nil, now: Self.now.addingTimeInterval(3602)
                ).isEmpty)
        }
    }
}
