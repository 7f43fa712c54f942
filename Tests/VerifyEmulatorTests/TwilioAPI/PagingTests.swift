import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Paging: URLs keep the list's filters, PageToken marks where a page ended")
struct PagingTests {
    /// Every item of a list walked through `next_page_url` from `start`, with each page's meta.
    static func walk<Item: Codable & Sendable>(
        _ api: EmulatorClient, _ start: String, as: Item.Type = Item.self
    ) async throws -> (items: [Item], metas: [PageMeta]) {
        var items: [Item] = []
        var metas: [PageMeta] = []
        var next: String? = start
        while let path = next, metas.count < 100 {
            let response = try await api.get(path)
            #expect(response.status == .ok, "\(path): \(String(decoding: response.body, as: UTF8.self))")
            let page = try response.decode(ListPage<Item>.self)
            items += page.items
            metas.append(page.meta)
            next = page.meta.nextPageURL.map { String($0.dropFirst("http://localhost".count)) }
        }
        return (items, metas)
    }

    /// Sends one code to each number, each on a service of its own so no send window is hit.
    static func send(_ api: EmulatorClient, to numbers: [String]) async throws {
        for number in numbers {
            let service = try await api.createService()
            #expect(try await api.startVerification(service, to: number).status == .created)
        }
    }

    @Test("a filtered list walked one row a page returns exactly its rows, other rows present")
    func filtersKept() async throws {
        try await withEmulator { api in
            let wanted = "+15145550001"
            try await Self.send(api, to: ["+15145550002", wanted, "+447700900001", wanted, "+15145550003", wanted])
            let start = "/v2/Attempts?Channel=sms&ChannelData.To=%2B15145550001&PageSize=1"
            let (items, metas) = try await Self.walk(api, start, as: VerificationAttemptResource.self)
            #expect(items.count == 3)
            #expect(items.allSatisfy { $0.channelData.to == wanted })
            #expect(Set(items.map(\.sid)).count == 3)
            #expect(metas.map(\.page) == [0, 1, 2])
            // Twilio's spelling and the spec's order, whatever order the request gave
            let expected = "http://localhost/v2/Attempts?ChannelData.To=%2B15145550001&Channel=sms&PageSize=1&Page=1"
            #expect(metas[0].nextPageURL?.hasPrefix(expected + "&PageToken=PA") == true)
            #expect(metas[0].firstPageURL == expected.replacingOccurrences(of: "Page=1", with: "Page=0"))
            #expect(metas[2].nextPageURL == nil)
            #expect(metas[1].previousPageURL?.contains("&Page=0&PageToken=PB") == true)

            // the same walk started with the parameters in another order follows the same URLs
            let reordered = "/v2/Attempts?PageSize=1&ChannelData.To=%2B15145550001&Channel=sms"
            let again = try await api.get(reordered).decode(ListPage<VerificationAttemptResource>.self)
            #expect(again.meta.nextPageURL == metas[0].nextPageURL)
        }
    }

    @Test("newest-first pages neither repeat nor skip rows created between two fetches")
    func stableUnderInserts() async throws {
        try await withEmulator { api in
            let number = "+15145550010"
            try await Self.send(api, to: Array(repeating: number, count: 5))
            let all = try await api.get("/v2/Attempts?ChannelData.To=%2B15145550010")
                .decode(ListPage<VerificationAttemptResource>.self).items.map(\.sid)
            #expect(all.count == 5)

            let first = try await api.get("/v2/Attempts?ChannelData.To=%2B15145550010&PageSize=2")
                .decode(ListPage<VerificationAttemptResource>.self)
            // three newer sends land at the head of the list while the client pages
            try await Self.send(api, to: Array(repeating: number, count: 3))
            let next = try #require(first.meta.nextPageURL).dropFirst("http://localhost".count)
            let (rest, metas) = try await Self.walk(api, String(next), as: VerificationAttemptResource.self)
            #expect(first.items.map(\.sid) + rest.map(\.sid) == all)

            // and back: the previous page of the second page is the first page again
            let back = try #require(metas[0].previousPageURL).dropFirst("http://localhost".count)
            let previous = try await api.get(String(back)).decode(ListPage<VerificationAttemptResource>.self)
            #expect(previous.items.map(\.sid) == first.items.map(\.sid))
            #expect(previous.meta.page == 0)
            #expect(previous.meta.previousPageURL != nil, "three newer rows lie before it now")

            // a fresh walk sees all eight
            let fresh = try await Self.walk(
                api, "/v2/Attempts?ChannelData.To=%2B15145550010&PageSize=3", as: VerificationAttemptResource.self)
            #expect(fresh.items.count == 8 && Set(fresh.items.map(\.sid)).isSuperset(of: all))
        }
    }

    @Test("an oldest-first list keeps its place when the row a token points at is deleted")
    func deletedCursorRow() async throws {
        try await withEmulator { api in
            var created: [String] = []
            for index in 0..<5 { created.append(try await api.createService("Service \(index)")) }
            // another account's services are not in this list
            _ = try await api.createService("Theirs", auth: TestAccounts.otherAuth)
            let first = try await api.get("/v2/Services?PageSize=2").decode(ListPage<ServiceResource>.self)
            #expect(first.items.map(\.sid) == Array(created[0..<2]))
            #expect(try await api.request(.delete, "/v2/Services/\(created[1])").status == .noContent)
            let next = try #require(first.meta.nextPageURL).dropFirst("http://localhost".count)
            let (rest, _) = try await Self.walk(api, String(next), as: ServiceResource.self)
            #expect(rest.map(\.sid) == Array(created[2...]))
        }
    }

    @Test("a malformed token, or one written for another list or other filters, is a 400 naming it")
    func badTokens() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            _ = try await api.createService()
            try await Self.send(api, to: ["+15145550020", "+15145550020", "+15145550021"])
            for token in ["garbage", "PA", "PAAAAA", "PXAAAAAAAAAAAAAAAAAAAAAA", "PA!!!!!!!!!!!!!!!!"] {
                let response = try await api.get("/v2/Services?PageToken=\(token)")
                #expect(response.status == .badRequest, "\(token)")
                #expect(response.error?.code == 21481)
                #expect(response.error?.message == "Invalid PageToken")
            }
            let services = try await api.get("/v2/Services?PageSize=1").decode(ListPage<ServiceResource>.self)
            let servicesNext = try #require(services.meta.nextPageURL)
            let token = try #require(servicesNext.split(separator: "PageToken=").last)
            let elsewhere = try await api.get("/v2/Services/\(service)/Webhooks?PageToken=\(token)")
            #expect(elsewhere.status == .badRequest)
            #expect(elsewhere.error?.code == 21481)
            #expect(
                (elsewhere.json["message"] as? String) == "Invalid PageToken"
                    && elsewhere.json["more_info"] as? String == "https://www.twilio.com/docs/errors/21481")

            let attempts = try await api.get("/v2/Attempts?ChannelData.To=%2B15145550020&PageSize=1")
                .decode(ListPage<VerificationAttemptResource>.self)
            let next = try #require(attempts.meta.nextPageURL).dropFirst("http://localhost".count)
            let otherFilter = next.replacingOccurrences(of: "%2B15145550020", with: "%2B15145550021")
            #expect(try await api.get(otherFilter).error?.code == 21481)
            let noFilter = next.replacingOccurrences(of: "ChannelData.To=%2B15145550020&", with: "")
            #expect(try await api.get(noFilter).error?.code == 21481)
            // the iOS Verify SDK spells it pageToken
            let lower = next.replacingOccurrences(of: "PageToken=", with: "pageToken=")
            let page = try await api.get(lower).decode(ListPage<VerificationAttemptResource>.self)
            #expect(page.items.count == 1 && page.items[0].channelData.to == "+15145550020")
            #expect(page.items[0].sid != attempts.items[0].sid)
        }
    }

    @Test("the template catalogue pages by token too, filtered by FriendlyName")
    func templates() async throws {
        try await withEmulator { api in
            let all = try await api.get("/v2/Templates").decode(ListPage<TemplateResource>.self).items
            let (walked, metas) = try await Self.walk(api, "/v2/Templates?PageSize=1", as: TemplateResource.self)
            #expect(walked.map(\.sid) == all.map(\.sid))
            #expect(metas.count == all.count)
            let name = try #require(all.first?.friendlyName)
            let query = "FriendlyName=\(FormData.encode(name))"
            let filtered = try await Self.walk(api, "/v2/Templates?\(query)&PageSize=1", as: TemplateResource.self)
            #expect(!filtered.items.isEmpty && filtered.items.allSatisfy { $0.friendlyName.contains(name) })
            #expect(filtered.metas.allSatisfy { $0.url.contains(query) })
        }
    }
}
