import Hummingbird
import VerifyWire

/// `/v2/Services/{VA}/RateLimits` and their `/Buckets`: create, fetch, list, update, delete.
/// A rate limit may be addressed by its SID or its unique name.
struct RateLimitAPI: Sendable {
    let rateLimits: RateLimitStore
    let api: VerifyAPI

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add("/v2/Services/:service/RateLimits", get: list, post: create)
        routes.add("/v2/Services/:service/RateLimits/:rateLimit", get: fetch, post: update, delete: delete)
        routes.add("/v2/Services/:service/RateLimits/:rateLimit/Buckets", get: listBuckets, post: createBucket)
        routes.add(
            "/v2/Services/:service/RateLimits/:rateLimit/Buckets/:bucket", get: fetchBucket, post: updateBucket,
            delete: deleteBucket)
    }

    private struct Target {
        var account: SID
        var service: SID
        var path: String
    }

    private func target(_ request: Request, _ context: EmulatorRequestContext) throws -> Target {
        Target(
            account: try context.requireAccount(),
            service: try context.pathSID("service", .service, path: context.requestPath), path: context.requestPath)
    }

    private func rateLimitKey(_ context: EmulatorRequestContext) -> String {
        context.parameters.get("rateLimit") ?? ""
    }

    @Sendable func create(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try target(request, context)
        let form = try await request.form(context: context)
        guard let uniqueName = try form.string("UniqueName", required: true) else {
            throw TwilioError.invalidParameter("UniqueName", hint: "UniqueName is required")
        }
        try RateLimitStore.validateUniqueName(uniqueName)
        let description = try form.string("Description", maxLength: 255)
        let record = try await rateLimits.createRateLimit(
            account: target.account, service: target.service, uniqueName: uniqueName, description: description,
            path: target.path)
        return try JSONResponse.make(record.resource(baseURL: api.baseURL(request)), status: .created)
    }

    @Sendable func list(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try target(request, context)
        let page = try PageRequest(query: try request.queryForm())
        let (records, hasMore) = try await rateLimits.rateLimits(
            account: target.account, service: target.service, page: page, path: target.path)
        let base = api.baseURL(request)
        return try JSONResponse.make(
            ListPage(
                items: records.map { $0.resource(baseURL: base) },
                meta: page.meta(listURL: base + context.requestPath, hasMore: hasMore, key: "rate_limits")))
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try target(request, context)
        let record = try await rateLimits.rateLimit(
            account: target.account, service: target.service, key: rateLimitKey(context), path: target.path)
        return try JSONResponse.make(record.resource(baseURL: api.baseURL(request)))
    }

    @Sendable func update(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try target(request, context)
        let form = try await request.form(context: context)
        let description = try form.string("Description", maxLength: 255)
        let record = try await rateLimits.updateRateLimit(
            account: target.account, service: target.service, key: rateLimitKey(context), description: description,
            path: target.path)
        return try JSONResponse.make(record.resource(baseURL: api.baseURL(request)))
    }

    @Sendable func delete(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try target(request, context)
        try await rateLimits.deleteRateLimit(
            account: target.account, service: target.service, key: rateLimitKey(context), path: target.path)
        return Response(status: .noContent)
    }

    /// `Max` (at least 1) and `Interval` (1 second to 1 day).
    private func bucketValues(_ form: FormData, required: Bool) throws(TwilioError) -> (max: Int?, interval: Int?) {
        let max = try form.int("Max", in: 1...1_000_000)
        let interval = try form.int("Interval", in: 1...86_400)
        if required, max == nil { throw .invalidParameter("Max", hint: "Max is required") }
        if required, interval == nil { throw .invalidParameter("Interval", hint: "Interval is required") }
        return (max, interval)
    }

    @Sendable func createBucket(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try target(request, context)
        let values = try bucketValues(try await request.form(context: context), required: true)
        let record = try await rateLimits.createBucket(
            account: target.account, service: target.service, rateLimit: rateLimitKey(context), max: values.max!,
            interval: values.interval!, path: target.path)
        return try JSONResponse.make(record.resource(baseURL: api.baseURL(request)), status: .created)
    }

    @Sendable func listBuckets(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try target(request, context)
        let page = try PageRequest(query: try request.queryForm())
        let (records, hasMore) = try await rateLimits.buckets(
            account: target.account, service: target.service, rateLimit: rateLimitKey(context), page: page,
            path: target.path)
        let base = api.baseURL(request)
        return try JSONResponse.make(
            ListPage(
                items: records.map { $0.resource(baseURL: base) },
                meta: page.meta(listURL: base + context.requestPath, hasMore: hasMore, key: "buckets")))
    }

    @Sendable func fetchBucket(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try target(request, context)
        let bucket = try context.pathSID("bucket", .bucket, path: target.path)
        let record = try await rateLimits.bucket(
            account: target.account, service: target.service, rateLimit: rateLimitKey(context), bucket: bucket,
            path: target.path)
        return try JSONResponse.make(record.resource(baseURL: api.baseURL(request)))
    }

    @Sendable func updateBucket(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try target(request, context)
        let bucket = try context.pathSID("bucket", .bucket, path: target.path)
        let values = try bucketValues(try await request.form(context: context), required: false)
        let record = try await rateLimits.updateBucket(
            account: target.account, service: target.service, rateLimit: rateLimitKey(context), bucket: bucket,
            max: values.max, interval: values.interval, path: target.path)
        return try JSONResponse.make(record.resource(baseURL: api.baseURL(request)))
    }

    @Sendable func deleteBucket(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try target(request, context)
        let bucket = try context.pathSID("bucket", .bucket, path: target.path)
        try await rateLimits.deleteBucket(
            account: target.account, service: target.service, rateLimit: rateLimitKey(context), bucket: bucket,
            path: target.path)
        return Response(status: .noContent)
    }
}
