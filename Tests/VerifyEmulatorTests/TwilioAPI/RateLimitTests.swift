import Foundation
import Testing
import VerifyWire

@testable import VerifyEmulator

@Suite("Programmable rate limits")
struct RateLimitTests {
    @Test("rate limits: create, fetch by SID or unique name, list, update, delete")
    func rateLimitCRUD() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let base = "/v2/Services/\(service)/RateLimits"
            let created = try await api.post(base, [("UniqueName", "end_user_ip_address"), ("Description", "By IP")])
            #expect(created.status == .created)
            #expect(Set(created.json.keys) == (try specProperties("verify.v2.service.rate_limit")))
            let limit = try created.decode(RateLimitResource.self)
            #expect(limit.sid.hasPrefix("RK"))
            #expect(limit.uniqueName == "end_user_ip_address")
            #expect(limit.links["buckets"] == "http://localhost\(base)/\(limit.sid)/Buckets")

            #expect(try await api.get("\(base)/\(limit.sid)").decode(RateLimitResource.self) == limit)
            #expect(try await api.get("\(base)/end_user_ip_address").decode(RateLimitResource.self).sid == limit.sid)

            let duplicate = try await api.post(base, [("UniqueName", "end_user_ip_address")])
            #expect(duplicate.error?.message == "Invalid parameter: UniqueName")
            #expect(try await api.post(base, [("UniqueName", "bad name!")]).error?.code == 60200)
            #expect(try await api.post(base, []).error?.message == "Invalid parameter: UniqueName")

            _ = try await api.post(base, [("UniqueName", "phone_country")])
            let page = try await api.get("\(base)?PageSize=1").decode(ListPage<RateLimitResource>.self)
            #expect(page.meta.key == "rate_limits")
            #expect(page.items.map(\.uniqueName) == ["end_user_ip_address"])
            #expect(page.meta.nextPageURL?.hasPrefix("http://localhost\(base)?PageSize=1&Page=1&PageToken=PA") == true)

            let updated = try await api.post("\(base)/\(limit.sid)", [("Description", "Per IP")])
            #expect(try updated.decode(RateLimitResource.self).description == "Per IP")

            #expect(try await api.request(.delete, "\(base)/\(limit.sid)").status == .noContent)
            #expect(try await api.get("\(base)/\(limit.sid)").status == .notFound)
            #expect(try await api.get("\(base)/RK" + String(repeating: "0", count: 32)).error?.code == 20404)
            #expect(
                try await api.get("/v2/Services/\(service)/RateLimits", auth: TestAccounts.otherAuth).status
                    == .notFound)
        }
    }

    @Test("buckets: create, fetch, list, update, delete, with Max and Interval validated")
    func bucketCRUD() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            let limit = try await api.post("/v2/Services/\(service)/RateLimits", [("UniqueName", "ip")])
                .decode(RateLimitResource.self)
            let base = "/v2/Services/\(service)/RateLimits/\(limit.sid)/Buckets"
            let created = try await api.post(base, [("Max", "3"), ("Interval", "60")])
            #expect(created.status == .created)
            #expect(Set(created.json.keys) == (try specProperties("verify.v2.service.rate_limit.bucket")))
            let bucket = try created.decode(BucketResource.self)
            #expect(bucket.sid.hasPrefix("BL") && bucket.max == 3 && bucket.interval == 60)
            #expect(bucket.rateLimitSid == limit.sid)
            #expect(try await api.get("\(base)/\(bucket.sid)").decode(BucketResource.self) == bucket)
            let list = try await api.get(base).decode(ListPage<BucketResource>.self)
            #expect(list.meta.key == "buckets" && list.items == [bucket])
            let updated = try await api.post("\(base)/\(bucket.sid)", [("Max", "5")]).decode(BucketResource.self)
            #expect(updated.max == 5 && updated.interval == 60)
            for bad in [
                [("Max", "0"), ("Interval", "60")], [("Max", "x"), ("Interval", "60")], [("Max", "1")],
                [("Max", "1"), ("Interval", "0")],
            ] {
                #expect(try await api.post(base, bad).error?.code == 60200)
            }
            #expect(try await api.request(.delete, "\(base)/\(bucket.sid)").status == .noContent)
            #expect(try await api.get("\(base)/\(bucket.sid)").status == .notFound)
        }
    }

    @Test("a start over a bucket's max in its interval is 429/20429, per value, until the window passes")
    func enforcement() async throws {
        try await withEmulator { api in
            let service = try await api.createService()
            _ = try await api.post("/v2/Services/\(service)/RateLimits", [("UniqueName", "end_user_ip_address")])
            _ = try await api.post(
                "/v2/Services/\(service)/RateLimits/end_user_ip_address/Buckets", [("Max", "2"), ("Interval", "60")])
            let ip = [("RateLimits", #"{"end_user_ip_address": "1.2.3.4"}"#)]
            #expect(try await api.startVerification(service, to: "+15005550001", ip).status == .created)
            #expect(try await api.startVerification(service, to: "+15005550002", ip).status == .created)
            let limited = try await api.startVerification(service, to: "+15005550003", ip)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.error?.code == 20429)
            #expect(try await api.lastMessage(to: "+15005550003") == nil)
            // another value has its own count
            let otherIP = [("RateLimits", #"{"end_user_ip_address": "5.6.7.8"}"#)]
            #expect(try await api.startVerification(service, to: "+15005550003", otherIP).status == .created)
            api.clock.advance(by: .seconds(61))
            #expect(try await api.startVerification(service, to: "+15005550003", ip).status == .created)

            let unknown = try await api.startVerification(
                service, to: "+15005550004", [("RateLimits", #"{"nope": "x"}"#)])
            #expect(unknown.error?.message == "Invalid parameter: RateLimits")
            let malformed = try await api.startVerification(service, to: "+15005550004", [("RateLimits", "[1,2]")])
            #expect(malformed.error?.message == "Invalid parameter: RateLimits")
            let numeric = try await api.startVerification(
                service, to: "+15005550005", [("RateLimits", #"{"end_user_ip_address": 42}"#)])
            #expect(numeric.status == .created)
        }
    }
}
