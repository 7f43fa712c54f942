import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Verification Attempts: list with filters and paging, fetch, summary")
struct AttemptsTests {
    @Test("every send is an attempt; converted once its verification is approved; the summary adds them up")
    func attempts() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            // Canada: sent twice (a resend), then approved
            _ = try await api.startVerification(service, to: "+15145550123")
            _ = try await api.startVerification(service, to: "+15145550123")
            let code = try #require(try await api.lastMessage(to: "+15145550123")).code
            #expect(
                try await api.check(service, to: "+15145550123", code: code).json["status"] as? String == "approved")
            _ = try await api.startVerification(service, to: "+447700900123", channel: "call")
            _ = try await api.startVerification(service, to: "ada@example.com", channel: "email")

            let all = try await api.get("/v2/Attempts")
            #expect(all.status == .ok)
            let page = try all.decode(ListPage<VerificationAttemptResource>.self)
            #expect(page.meta.key == "attempts" && page.items.count == 4)
            #expect(page.items.map(\.channel) == ["email", "call", "sms", "sms"])
            #expect(page.items.map(\.conversionStatus) == ["unconverted", "unconverted", "converted", "converted"])
            let first = try #require((all.json["attempts"] as? [[String: Any]])?.first)
            #expect(Set(first.keys) == (try specProperties("verify.v2.verification_attempt")))
            let canada = try #require(page.items.last)
            #expect(canada.channelData.country == "CA" && canada.channelData.status == "confirmed")
            #expect(
                canada.price == .init(value: "0.0500", currency: "usd")
                    && SID(canada.sid, expecting: .sendAttempt) != nil)

            func count(_ query: String) async throws -> Int {
                try await api.get("/v2/Attempts?\(query)").decode(ListPage<VerificationAttemptResource>.self).items
                    .count
            }
            #expect(try await count("Status=converted") == 2)
            #expect(try await count("Status=unconverted") == 2)
            #expect(try await count("Country=CA") == 2)
            #expect(try await count("Country=GB") == 1)
            #expect(try await count("Channel=call") == 1)
            #expect(try await count("ChannelData.To=%2B15145550123") == 2)
            #expect(try await count("VerificationSid=\(canada.verificationSid)") == 2)
            #expect(try await count("VerifyServiceSid=\(service)") == 4)
            #expect(try await count("DateCreatedAfter=2100-01-01T00:00:00Z") == 0)
            #expect(try await count("DateCreatedBefore=2100-01-01T00:00:00Z") == 4)
            #expect(try await api.get("/v2/Attempts?Channel=pigeon").status == .badRequest)
            #expect(try await api.get("/v2/Attempts?DateCreatedAfter=yesterday").status == .badRequest)
            let paged = try await api.get("/v2/Attempts?PageSize=3").decode(ListPage<VerificationAttemptResource>.self)
            #expect(paged.items.count == 3 && paged.meta.nextPageURL != nil)

            let fetched = try await api.get("/v2/Attempts/\(canada.sid)")
            #expect(try fetched.decode(VerificationAttemptResource.self) == canada)
            #expect(try await api.get("/v2/Attempts/VL\(String(repeating: "0", count: 32))").status == .notFound)
            #expect(try await api.get("/v2/Attempts/\(canada.sid)", auth: TestAccounts.otherAuth).status == .notFound)

            let summary = try await api.get("/v2/Attempts/Summary")
            #expect(Set(summary.json.keys) == (try specProperties("verify.v2.verification_attempts_summary")))
            #expect(
                try summary.decode(VerificationAttemptsSummaryResource.self)
                    == .init(
                        totalAttempts: 4, totalConverted: 2, totalUnconverted: 2,
                        conversionRatePercentage: "50.000000000", url: "http://localhost/v2/Attempts/Summary"))
            let british = try await api.get("/v2/Attempts/Summary?Country=GB").decode(
                VerificationAttemptsSummaryResource.self)
            #expect(british.totalAttempts == 1 && british.conversionRatePercentage == "0.000000000")
            let plusOne = try await api.get("/v2/Attempts/Summary?DestinationPrefix=%2B1&Channel=sms")
                .decode(VerificationAttemptsSummaryResource.self)
            #expect(plusOne.totalAttempts == 2 && plusOne.conversionRatePercentage == "100.000000000")
            let other = try await api.get("/v2/Attempts/Summary", auth: TestAccounts.otherAuth)
            #expect(try other.decode(VerificationAttemptsSummaryResource.self).totalAttempts == 0)
        }
    }

    @Test("the conversion rate has nine decimals, rounded")
    func percentage() {
        #expect(AttemptsController.percentage(9, of: 11) == "81.818181818")
        #expect(AttemptsController.percentage(2, of: 3) == "66.666666667")
        #expect(AttemptsController.percentage(0, of: 0) == "0")
    }
}
