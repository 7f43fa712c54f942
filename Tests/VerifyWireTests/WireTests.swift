import Foundation
import Testing

@testable import VerifyWire

@Suite("Wire model")
struct WireTests {
    @Test("SIDs parse, normalise and reject malformed text")
    func sids() {
        let hex = "0123456789abcdef0123456789abcdef"
        #expect(SID("VA" + hex)?.rawValue == "VA" + hex)
        #expect(SID("VA" + hex.uppercased())?.rawValue == "VA" + hex)
        #expect(SID("VA" + hex, expecting: .service) != nil)
        #expect(SID("VA" + hex, expecting: .verification) == nil)
        #expect(SID("VA" + hex.dropLast()) == nil)
        #expect(SID("XX" + hex) == nil)
        #expect(SID("VA" + hex.dropLast() + "g") == nil)
        #expect(SID("") == nil)
        #expect(SID("VA" + hex)?.prefix == .service)
        #expect(SID("va" + hex) == nil)
        // a Substring (as routers hand out), a multi-byte character, a bridged-looking literal
        #expect(SID(("/VA" + hex).dropFirst(), expecting: .service)?.rawValue == "VA" + hex)
        #expect(SID("VA" + hex.dropLast(2) + "é") == nil)
        #expect(SID("VA" + hex.dropLast(2) + "\u{0}A") == nil)
        for prefix in SID.Prefix.allCases {
            #expect(SID(prefix.rawValue + hex.uppercased())?.rawValue == prefix.rawValue + hex)
            #expect(SID(prefix.rawValue + hex, expecting: prefix)?.prefix == prefix)
        }
    }

    @Test("the JSON writer copies plain strings whole and escapes the rest")
    func jsonStrings() {
        var writer = JSONWriter()
        writer.arrayStart()
        for text in ["", "VA0123", "é 🎉 +14155550100", "a\"b\\c", "line\nfeed\r\ttab\u{1}\u{1F}"] {
            writer.string(text)
        }
        writer.string(nil)
        writer.arrayEnd()
        #expect(
            String(decoding: writer.bytes, as: UTF8.self)
                == #"["","VA0123","é 🎉 +14155550100","a\"b\\c","line\nfeed\r\ttab\u0001\u001f",null]"#)
    }

    @Test("the JSON writer escapes every ASCII character as JSONEncoder does")
    func jsonEscapesAsEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        for text in (0..<0x80).map({ String(UnicodeScalar(UInt8($0))) }) + ["\u{2028}", "a/b", "漢字"] {
            var writer = JSONWriter()
            writer.string(text)
            #expect(
                String(decoding: writer.bytes, as: UTF8.self)
                    == String(decoding: try encoder.encode(text), as: UTF8.self), "\(text.debugDescription)")
        }
    }

    @Test("random SIDs are well formed and distinct")
    func randomSids() {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let sid = SID.random(.verification)
            #expect(SID(sid.rawValue, expecting: .verification) == sid)
            seen.insert(sid.rawValue)
        }
        #expect(seen.count == 1000)
    }

    @Test("Twilio dates format and parse in UTC")
    func dates() {
        #expect(TwilioDate.format(epochSeconds: 1_438_286_400) == "2015-07-30T20:00:00Z")
        #expect(TwilioDate.format(epochSeconds: 0) == "1970-01-01T00:00:00Z")
        #expect(TwilioDate.format(epochSeconds: 951_782_400) == "2000-02-29T00:00:00Z")
        #expect(TwilioDate.format(epochSeconds: -1) == "1969-12-31T23:59:59Z")
        #expect(TwilioDate.format(epochSeconds: 253_402_300_799) == "9999-12-31T23:59:59Z")
        #expect(TwilioDate.format(epochSeconds: 253_402_300_800) == "10000-01-01T00:00:00Z")
        #expect(TwilioDate.format(Date(timeIntervalSince1970: 1_438_286_400.9)) == "2015-07-30T20:00:00Z")
        #expect(TwilioDate.parse("2015-07-30T20:00:00Z")?.timeIntervalSince1970 == 1_438_286_400)
        #expect(TwilioDate.parse("2015-07-30T20:00:00.123Z")?.timeIntervalSince1970 == 1_438_286_400)
        // a fraction is only checked, never added up: twenty digits would overflow Int64
        #expect(
            TwilioDate.parse("2015-07-30T20:00:00.99999999999999999999Z")?.timeIntervalSince1970 == 1_438_286_400)
        #expect(TwilioDate.parse("2015-07-30T20:00:00.9x9Z") == nil)
        #expect(TwilioDate.parse("2015-13-30T20:00:00Z") == nil)
        #expect(TwilioDate.parse("yesterday") == nil)
        for seconds in stride(from: Int64(-86_400 * 400), to: 4_102_444_800, by: 7_777_777) {
            #expect(
                TwilioDate.parse(TwilioDate.format(epochSeconds: seconds))?.timeIntervalSince1970 == Double(seconds))
        }
    }

    @Test("form data decodes +, percent escapes and repeated names")
    func formDecoding() throws {
        let form = try FormData(
            parsing: "To=%2B15005550006&Channel=sms&Name=a+b&Empty=&Flag&Tag=1&Tag=2&Push.IncludeDate=true")
        #expect(form["To"] == "+15005550006")
        #expect(form["Channel"] == "sms")
        #expect(form["Name"] == "a b")
        #expect(form["Empty"] == "")
        #expect(form["Flag"] == "")
        #expect(form.values("Tag") == ["1", "2"])
        #expect(form["Push.IncludeDate"] == "true")
        #expect(form["Missing"] == nil)
        #expect(try FormData(parsing: "Name=caf%C3%A9")["Name"] == "café")
        #expect(try FormData(parsing: "").fields.isEmpty)
    }

    @Test("form data refuses bad escapes and invalid UTF-8", arguments: ["a=%", "a=%4", "a=%zz", "a=%FF", "%C3=x"])
    func formErrors(text: String) {
        #expect(throws: FormData.ParseError.self) { try FormData(parsing: text) }
    }

    @Test("form data encodes so that it parses back")
    func formRoundTrip() throws {
        var form = FormData()
        form.append("To", "+1 (415) 555-0100")
        form.append("Body", "ä&=?/%")
        #expect(form.encoded == "To=%2B1%20%28415%29%20555-0100&Body=%C3%A4%26%3D%3F%2F%25")
        #expect(try FormData(parsing: form.encoded) == form)
    }

    @Test("typed form reads fail with 60200 naming the parameter")
    func typedReads() throws {
        let form = try FormData(parsing: "N=12&B=TRUE&X=maybe&L=abcdef")
        #expect(try form.int("N", in: 1...20) == 12)
        #expect(try form.bool("B") == true)
        #expect(throws: TwilioError.invalidParameter("X", hint: "X must be true or false, got 'maybe'")) {
            try form.bool("X")
        }
        #expect(throws: TwilioError.self) { try form.int("N", in: 1...5) }
        #expect(throws: TwilioError.self) { try form.string("L", maxLength: 3) }
        #expect(throws: TwilioError.self) { try form.string("Missing", required: true) }
        do {
            _ = try form.int("X")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == 60200)
            #expect(error.message == "Invalid parameter: X")
            #expect(error.hint == "X must be an integer, got 'maybe'")
        }
    }

    @Test("Twilio's error body round-trips")
    func errorBody() throws {
        let error = TwilioError.maxSendAttempts()
        let data = try JSONEncoder().encode(error)
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(Set(json.keys) == ["code", "message", "more_info", "status"])
        #expect(json["code"] as? Int == 60203)
        #expect(json["status"] as? Int == 429)
        #expect(json["more_info"] as? String == "https://www.twilio.com/docs/errors/60203")
        let decoded = try JSONDecoder().decode(TwilioError.self, from: data)
        #expect(decoded.code == 60203 && decoded.message == "Max send attempts reached")
        let auth =
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(TwilioError.authenticationFailed(hint: "x")))
            as! [String: Any]
        #expect(auth["detail"] as? String == "Your AccountSid or AuthToken was incorrect.")
    }

    @Test("list pages put items under meta.key")
    func listPage() throws {
        let meta = PageMeta(
            page: 0, pageSize: 1, firstPageURL: "http://h/v2/Services?PageSize=1&Page=0", previousPageURL: nil,
            url: "http://h/v2/Services?PageSize=1&Page=0", nextPageURL: nil, key: "things")
        let page = ListPage(items: ["a"], meta: meta)
        let data = try JSONEncoder().encode(page)
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(json["things"] as? [String] == ["a"])
        let metaJSON = json["meta"] as! [String: Any]
        #expect(metaJSON["next_page_url"] is NSNull)
        #expect(metaJSON["previous_page_url"] is NSNull)
        let decoded = try JSONDecoder().decode(ListPage<String>.self, from: data)
        #expect(decoded.items == ["a"] && decoded.meta == meta)
    }
}

@Suite("Fast JSON")
struct FastJSONTests {
    func object(_ data: Data) throws -> NSDictionary {
        try #require(JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    @Test("a verification's jsonBytes equals its Codable encoding")
    func verification() throws {
        let samples = [
            VerificationResource(
                sid: "VE" + String(repeating: "a", count: 32), serviceSid: "VA" + String(repeating: "b", count: 32),
                accountSid: "AC" + String(repeating: "c", count: 32), to: "+15005550006", channel: "sms",
                status: .pending, valid: false,
                sendCodeAttempts: [
                    .init(attemptSid: "VL1", channel: "SMS", time: "2015-07-30T20:00:00Z"),
                    .init(attemptSid: "VL2", channel: "CALL", time: "2015-07-30T20:01:00Z"),
                ],
                dateCreated: "2015-07-30T20:00:00Z", dateUpdated: "2015-07-30T20:00:00Z", url: "http://h/v2/x"),
            VerificationResource(
                sid: "VE1", serviceSid: "VA1", accountSid: "AC1", to: "quote\"back\\slash\nnew\u{1}ctl é@example.com",
                channel: "email", status: .approved, valid: true, lookup: ["carrier": "x", "a": "b"], amount: "€10",
                payee: "Ünïcode", sendCodeAttempts: [], dateCreated: "d", dateUpdated: "u", sna: ["url": "http://s/"],
                url: "http://h/v2/y"),
        ]
        for sample in samples {
            let fast = Data(sample.jsonBytes())
            let reference = try JSONEncoder().encode(sample)
            #expect(try object(fast) == object(reference))
            #expect(try JSONDecoder().decode(VerificationResource.self, from: fast) == sample)
        }
    }

    @Test("a check's jsonBytes equals its Codable encoding")
    func check() throws {
        let sample = VerificationCheckResource(
            sid: "VE1", serviceSid: "VA1", accountSid: "AC1", to: "+15005550006", channel: "sms", status: .approved,
            valid: true, amount: nil, payee: "p\t", snaAttemptsErrorCodes: [60001, 60002], dateCreated: "d",
            dateUpdated: "u")
        let fast = Data(sample.jsonBytes())
        #expect(try object(fast) == object(JSONEncoder().encode(sample)))
        #expect(try JSONDecoder().decode(VerificationCheckResource.self, from: fast) == sample)
    }
}

@Test("SecureRandom gives distinct words with every bit used")
func secureRandom() {
    var generator = SecureRandom()
    // More than one 4 KiB refill, so the refill path runs too.
    let words = (0..<5000).map { _ in generator.next() }
    #expect(Set(words).count == words.count)
    for bit in 0..<64 {
        let ones = words.filter { $0 & (1 << UInt64(bit)) != 0 }.count
        #expect((2000...3000).contains(ones), "bit \(bit) was set \(ones) times in 5000")
    }
}

@Test("time-ordered SIDs are well formed, sort by time and stay distinct within a millisecond")
func timeOrderedSIDs() {
    let earlier = SID.timeOrdered(.verification, milliseconds: 1_700_000_000_000)
    let later = SID.timeOrdered(.verification, milliseconds: 1_700_000_000_001)
    #expect(SID(earlier.rawValue) == earlier)
    #expect(earlier.rawValue.hasPrefix("VE"))
    #expect(earlier.rawValue.count == 34)
    #expect(earlier.rawValue < later.rawValue)
    #expect(earlier.rawValue.dropFirst(2).prefix(12) == "018bcfe56800")
    let same = (0..<1000).map { _ in SID.timeOrdered(.sendAttempt, milliseconds: 42).rawValue }
    #expect(Set(same).count == 1000)
    #expect(same.allSatisfy { $0.hasPrefix("VL00000000002a") })
}
