import NIOHTTP1
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Programmable Rate Limits and their buckets.
extension VerifyClient {
    // MARK: Rate limits

    public func createRateLimit(
        serviceSid: String, uniqueName: String, description: String? = nil
    ) async throws
        -> RateLimitResource
    {
        var form = FormData([(name: "UniqueName", value: uniqueName)])
        if let description { form.append("Description", description) }
        return try await send(.POST, "/v2/Services/\(serviceSid)/RateLimits", form: form)
    }

    /// A rate limit by SID or unique name.
    public func fetchRateLimit(serviceSid: String, sid: String) async throws -> RateLimitResource {
        try await send(.GET, "/v2/Services/\(serviceSid)/RateLimits/\(sid)")
    }

    public func listRateLimits(serviceSid: String) async throws -> [RateLimitResource] {
        try await listAll("/v2/Services/\(serviceSid)/RateLimits", pageSize: 50)
    }

    public func deleteRateLimit(serviceSid: String, sid: String) async throws {
        try await sendWithoutBody(.DELETE, "/v2/Services/\(serviceSid)/RateLimits/\(sid)")
    }

    public func createBucket(
        serviceSid: String, rateLimitSid: String, max: Int, interval: Int
    ) async throws
        -> BucketResource
    {
        try await send(
            .POST, "/v2/Services/\(serviceSid)/RateLimits/\(rateLimitSid)/Buckets",
            form: FormData([(name: "Max", value: String(max)), (name: "Interval", value: String(interval))]))
    }

    public func listBuckets(serviceSid: String, rateLimitSid: String) async throws -> [BucketResource] {
        try await listAll("/v2/Services/\(serviceSid)/RateLimits/\(rateLimitSid)/Buckets", pageSize: 50)
    }

    public func deleteBucket(serviceSid: String, rateLimitSid: String, sid: String) async throws {
        try await sendWithoutBody(.DELETE, "/v2/Services/\(serviceSid)/RateLimits/\(rateLimitSid)/Buckets/\(sid)")
    }
}
