import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VerifyWire

@testable import AuthServer

/// The SMS abuse gate on the JSON phone login, the accounts API and the pages, on the suite's
/// database: every refusal is a clear error, and the emulator's request log shows that no
/// refused send reached Verify.
@Suite("Auth server: the SMS abuse gate")
struct SMSGateTests {
    /// The emulator's request log: every Verify call it received.
    static func verifyRequests(_ stack: Stack) async throws -> [[String: Any]] {
        try await stack.emulator.client.execute(uri: "/emulator/v1/requests?limit=1000", method: .get) { response in
            (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["requests"]
                as? [[String: Any]] ?? []
        }
    }

    /// How many `POST …/Verifications` (sends) the emulator received.
    static func sends(_ stack: Stack) async throws -> Int {
        try await verifyRequests(stack).filter { entry in
            (entry["method"] as? String) == "POST" && ((entry["path"] as? String)?.hasSuffix("/Verifications") ?? false)
        }.count
    }

    static func send(_ stack: Stack, _ phone: String) async throws -> (HTTPResponse.Status, [String: Any], HTTPFields) {
        try await stack.post("/api/auth/send-verification", #"{"phone_number": "\#(phone)"}"#)
    }

    @Test("countries not served are refused with 403 before Verify is asked, a Caribbean +1 number included")
    func countries() async throws {
        try await withStack(configure: { $0.smsGate.allowedCountries = ["US", "CA"] }) { stack in
            let (british, body, _) = try await Self.send(stack, "+44 7700 900123")
            #expect(british == .forbidden)
            #expect(body["message"] as? String == "Codes are not sent to numbers in GB")
            let (jamaican, jamaicanBody, _) = try await Self.send(stack, "+1 876 555 0100")
            #expect(jamaican == .forbidden)
            #expect(jamaicanBody["message"] as? String == "Codes are not sent to numbers in JM")
            #expect(try await Self.send(stack, "+1 514 555 0100").0 == .ok)
            #expect(try await Self.send(stack, "+1 415 555 0160").0 == .ok)
            #expect(try await Self.sends(stack) == 2)

            // the accounts API's SMS factor goes through the same gate
            let access = try await stack.signUp("gated")
            let (refused, refusedBody, _) = try await stack.json(
                .post, "/api/accounts/2fa/enable",
                #"{"phone_number": "+447700900124", "current_password": "correct-horse-battery"}"#, token: access)
            #expect(refused == .forbidden)
            #expect(refusedBody["message"] as? String == "Codes are not sent to numbers in GB")
            #expect(try await Self.sends(stack) == 2)
            let metrics = try await stack.auth.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(metrics.contains(#"auth_server_sms_refused_total{reason="country"} 3"#))
        }
    }

    @Test("the pages: a number of a country not served is refused on the form, and nothing is sent")
    func pages() async throws {
        try await withAccounts(configure: { $0.smsGate.allowedCountries = ["US"] }) { stack in
            let browser = stack.browser()
            try await browser.register("paula")
            _ = try await browser.get("/profile/2fa/enable")
            let refused = try await browser.post("/profile/2fa/enable", ["phone_number": "+44 7700 900125"])
            #expect(refused.status == .forbidden)
            #expect(refused.body.contains("Codes are not sent to numbers in GB"))
            #expect(try await Self.sends(stack) == 0)
            let sent = try await browser.post("/profile/2fa/enable", ["phone_number": "+1 415 555 0142"])
            #expect(sent.status == .seeOther || sent.status == .ok)
            #expect(try await Self.sends(stack) == 1)
        }
    }

    @Test("the breaker stops a country whose codes are sent and never verified; verified countries keep going")
    func breaker() async throws {
        try await withStack(
            configure: {
                $0.smsGate.breaker = .init(minSends: 3, minVerifiedPercent: 50, cooldown: .seconds(60))
            }, frozenTokenClock: true
        ) { stack in
            // a frozen clock one second into a minute: the sends are counted per minute, so on a
            // clock left running the refused send could fall in the next minute, which the hour
            // after the cool-down counts (as it should), and trip the breaker a second time
            let now = stack.tokenClock.now().timeIntervalSince1970
            stack.tokenClock.advance(60 - now.truncatingRemainder(dividingBy: 60) + 1)
            for number in ["+447700900201", "+447700900202", "+447700900203"] {
                #expect(try await Self.send(stack, number).0 == .ok)
            }
            let (paused, body, headers) = try await Self.send(stack, "+447700900204")
            #expect(paused == .tooManyRequests)
            #expect((body["message"] as? String)?.hasPrefix("Codes to numbers in GB are paused; try again in ") == true)
            let wait = try #require(Int(headers[.retryAfter] ?? ""))
            #expect((1...60).contains(wait))
            #expect(try await Self.sends(stack) == 3)

            // France: each code verified, so four sends do not trip it
            for number in ["+33612345601", "+33612345602", "+33612345603", "+33612345604"] {
                #expect(try await Self.send(stack, number).0 == .ok)
                let code = try await stack.code(for: number)
                let (verified, _, _) = try await stack.post(
                    "/api/auth/verify-code", #"{"phone_number": "\#(number)", "code": "\#(code)"}"#)
                #expect(verified == .ok)
            }
            #expect(try await Self.sends(stack) == 7)

            // after the cool-down, sends resume and the hour before the trip does not trip it again
            stack.tokenClock.advance(61)
            #expect(try await Self.send(stack, "+447700900205").0 == .ok)
            #expect(try await Self.send(stack, "+447700900206").0 == .ok)
            let metrics = try await stack.auth.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(metrics.contains(#"auth_server_sms_breaker_trips_total{country="GB"} 1"#))
            #expect(metrics.contains(#"auth_server_sms_refused_total{reason="breaker"} 1"#))
        }
    }

    @Test(
        "the breaker's counts wait for their interval, judged meanwhile, and are written when the server stops",
        .timeLimit(.minutes(1)))
    func countsWrittenAtStop() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("auth.sqlite").path
        @Sendable func written() throws -> [String: [Int]] {
            try DatabaseQueue(path: path).read { db in
                try Row.fetchAll(
                    db, sql: "SELECT country, sum(sends), sum(verified) FROM sms_country_minute GROUP BY country"
                )
                .reduce(into: [:]) { $0[$1[0]] = [$1[1], $1[2]] }
            }
        }
        // a frozen clock: a reading is judged by it too (one taken a second before is read again,
        // which with this interval would wait for it)
        try await withStack(
            configure: {
                $0.databasePath = path
                $0.smsGate.countInterval = .seconds(3600)
                $0.smsGate.breaker = .init(minSends: 3, minVerifiedPercent: 50, cooldown: .seconds(60))
            }, frozenTokenClock: true
        ) { stack in
            for number in ["+447700900301", "+447700900302"] {
                #expect(try await Self.send(stack, number).0 == .ok)
                let code = try await stack.code(for: number)
                let (verified, _, _) = try await stack.post(
                    "/api/auth/verify-code", #"{"phone_number": "\#(number)", "code": "\#(code)"}"#)
                #expect(verified == .ok)
            }
            // the first send read the figures (and wrote itself first); the rest wait for the
            // interval, and the breaker judges with them: the fifth send, the third unverified,
            // trips it (and goes), the sixth is refused; the trip itself is written at once
            #expect(try written() == ["GB": [1, 0]])
            for number in ["+447700900303", "+447700900304", "+447700900305"] {
                #expect(try await Self.send(stack, number).0 == .ok)
            }
            #expect(try await Self.send(stack, "+447700900306").0 == .tooManyRequests)
            #expect(try written() == ["GB": [1, 0]])
            let trips = try await DatabaseQueue(path: path).read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sms_breaker WHERE country = 'GB'")
            }
            #expect(trips == 1)
        }
        #expect(try written() == ["GB": [6, 2]])
    }

    @Test("caps per number prefix and for the whole service answer 429 with Retry-After, with no send")
    func prefixAndGlobalCaps() async throws {
        try await withStack(configure: {
            $0.smsGate.prefixLimits = [.init(prefix: "+1415555", limit: 2), .init(prefix: nil, limit: 4)]
            $0.smsGate.globalPerHour = 5
        }) { stack in
            #expect(try await Self.send(stack, "+14155550171").0 == .ok)
            #expect(try await Self.send(stack, "+14155550172").0 == .ok)
            let (capped, _, headers) = try await Self.send(stack, "+14155550173")
            #expect(capped == .tooManyRequests && headers[.retryAfter] != nil)
            // another prefix of +1 is not capped by the first, but by +1's own cap of 4
            #expect(try await Self.send(stack, "+12125550101").0 == .ok)
            #expect(try await Self.send(stack, "+12125550102").0 == .ok)
            #expect(try await Self.send(stack, "+12125550103").0 == .tooManyRequests)
            // the whole service: five sends an hour, whichever country
            #expect(try await Self.send(stack, "+447700900301").0 == .ok)
            let (global, _, globalHeaders) = try await Self.send(stack, "+447700900302")
            #expect(global == .tooManyRequests)
            #expect(Int(globalHeaders[.retryAfter] ?? "").map { $0 > 600 } == true)
            #expect(try await Self.sends(stack) == 5)
        }
    }

    @Test(
        "a mistyped gate setting stops start-up naming it",
        arguments: [
            ("SMS_ALLOWED_COUNTRIES", "US,XX", "'XX' is not an ISO 3166 country code"),
            ("SMS_ALLOWED_COUNTRIES", "USA", "'USA' is not an ISO 3166 country code"),
            ("SEND_LIMIT_PER_PREFIX", "1876:20", "'1876:20' is not PREFIX:COUNT"),
            ("SEND_LIMIT_PER_PREFIX", "+1876:lots", "'+1876:lots' is not PREFIX:COUNT"),
            ("SEND_LIMIT_GLOBAL", "0", "SEND_LIMIT_GLOBAL"),
            ("SMS_BREAKER", "maybe", "must be on or off"),
            ("SMS_BREAKER_MIN_VERIFIED_PERCENT", "150", "SMS_BREAKER_MIN_VERIFIED_PERCENT"),
        ])
    func badSettings(name: String, value: String, problem: String) throws {
        #expect {
            try AuthConfiguration.fromEnvironment(["AUTH_SERVER_DEVELOPMENT": "1", name: value])
        } throws: { error in
            let invalid = error as? AuthConfiguration.Invalid
            return invalid?.setting == name && "\(invalid!)".contains(problem)
        }
    }

    @Test("settings: countries, prefixes, the global cap and the breaker read as written; * and off")
    func settings() throws {
        let read = try AuthConfiguration.fromEnvironment([
            "AUTH_SERVER_DEVELOPMENT": "1", "SMS_ALLOWED_COUNTRIES": "us, ca,GB",
            "SEND_LIMIT_PER_PREFIX": "+1876:20,*:500",
            "SEND_LIMIT_GLOBAL": "2000", "SMS_BREAKER_MIN_SENDS": "50", "SMS_BREAKER_COOLDOWN": "600",
        ]).smsGate
        #expect(read.allowedCountries == ["US", "CA", "GB"])
        #expect(read.prefixLimits == [.init(prefix: "+1876", limit: 20), .init(prefix: nil, limit: 500)])
        #expect(read.globalPerHour == 2000)
        #expect(read.breaker == .init(minSends: 50, minVerifiedPercent: 10, cooldown: .seconds(600)))
        let open = try AuthConfiguration.fromEnvironment([
            "AUTH_SERVER_DEVELOPMENT": "1", "SMS_ALLOWED_COUNTRIES": "*", "SMS_BREAKER": "off",
        ]).smsGate
        #expect(open.allowedCountries == nil && open.everyCountryChosen && open.breaker == nil)
        #expect(PhoneCountry.of("+18765550100") == "JM" && PhoneCountry.of("+17875550100") == "PR")
        #expect(PhoneCountry.of("+77012345678") == "KZ" && PhoneCountry.of("+79161234567") == "RU")
    }

    @Test("review numbers log in with their fixed code and never reach Twilio; the limits per number still apply")
    func reviewNumbers() async throws {
        try await withStack(configure: {
            $0.smsGate = try! SMSGateSettings.read {
                ["TEST_PHONE_NUMBERS": "+1 555 555 0100:424242, +447700900123:135790"][$0]
            }
            // the gate's country list does not hold back a number that costs nothing
            $0.smsGate.allowedCountries = ["FR"]
        }) { stack in
            #expect(try await Self.send(stack, "+15555550100").0 == .ok)
            let (wrong, wrongBody, _) = try await stack.post(
                "/api/auth/verify-code", #"{"phone_number": "+15555550100", "code": "424243"}"#)
            #expect(wrong == .badRequest && wrongBody["authenticated"] as? Bool == false)
            let (approved, tokens, _) = try await stack.post(
                "/api/auth/verify-code", #"{"phone_number": "+1 555 555 0100", "code": "424242"}"#)
            #expect(approved == .ok && tokens["token"] is String)
            // the code is fixed: it works again
            #expect(
                try await stack.post("/api/auth/verify-code", #"{"phone_number": "+15555550100", "code": "424242"}"#)
                    .0 == .ok)
            let log = try await Self.verifyRequests(stack)
            #expect(!log.contains { ($0["path"] as? String)?.contains("Verification") == true })
            // SEND_LIMIT_PER_PHONE (5) still counts
            for _ in 0..<4 { #expect(try await Self.send(stack, "+447700900123").0 == .ok) }
            #expect(try await Self.send(stack, "+447700900123").0 == .ok)
            let (limited, _, headers) = try await Self.send(stack, "+447700900123")
            #expect(limited == .tooManyRequests && headers[.retryAfter] != nil)
            // a number not on the list is still the gate's
            #expect(try await Self.send(stack, "+15555550101").0 == .forbidden)
        }
    }

    @Test("a review number as an account's SMS factor: on with its fixed code, no Verify call")
    func reviewNumberAsFactor() async throws {
        try await withAccounts(configure: {
            $0.smsGate.reviewNumbers.codes = ["+15555550150": "909090"]
        }) { stack in
            let access = try await stack.signUp("reviewer")
            let (sent, _, _) = try await stack.json(
                .post, "/api/accounts/2fa/enable",
                #"{"phone_number": "+15555550150", "current_password": "correct-horse-battery"}"#, token: access)
            #expect(sent == .ok)
            let (on, body, _) = try await stack.json(
                .post, "/api/accounts/2fa/enable/verify", #"{"code": "909090"}"#, token: access)
            #expect(on == .ok)
            #expect((body["recovery_codes"] as? [String])?.count == RecoveryCodes.count)
            #expect(try await Self.sends(stack) == 0)
        }
    }

    @Test(
        "review numbers must be fictional unless ALLOW_REAL_TEST_NUMBERS=1; a malformed entry names itself",
        arguments: [
            ("+14158675309:424242", nil, "+14158675309 is not in a fictional range"),
            ("+15555550100", nil, "'+15555550100' is not NUMBER:CODE"),
            ("+15555550100:12", nil, "is not NUMBER:CODE"),
            ("4155550100:424242", nil, "'4155550100'"),
            ("+14158675309:424242", "maybe", "must be 1 or 0"),
        ])
    func badReviewNumbers(numbers: String, allowReal: String?, problem: String) throws {
        var environment = ["AUTH_SERVER_DEVELOPMENT": "1", "TEST_PHONE_NUMBERS": numbers]
        environment["ALLOW_REAL_TEST_NUMBERS"] = allowReal
        #expect {
            try AuthConfiguration.fromEnvironment(environment)
        } throws: { error in
            "\(error)".contains(problem)
        }
    }

    @Test("fictional ranges: 555-01XX in any area code, Twilio's test numbers, the UK and French drama ranges")
    func fictionalRanges() throws {
        for number in ["+12125550199", "+15005550006", "+447700900000", "+442079460123", "+33639981234"] {
            #expect(ReviewNumbers.isFictional(number), "\(number)")
        }
        for number in ["+12125550200", "+14158675309", "+447700123456", "+33612345678"] {
            #expect(!ReviewNumbers.isFictional(number), "\(number)")
        }
        let allowed = try AuthConfiguration.fromEnvironment([
            "AUTH_SERVER_DEVELOPMENT": "1", "TEST_PHONE_NUMBERS": "+14158675309:424242", "ALLOW_REAL_TEST_NUMBERS": "1",
        ])
        #expect(allowed.smsGate.reviewNumbers.codes == ["+14158675309": "424242"])
    }
}
