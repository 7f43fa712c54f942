import Hummingbird
import VerifyWire

/// `/v2/Services/{VA}/RateLimits/{RK}/Buckets`: create, fetch, list, update, delete.
struct BucketsController: Sendable {
    let rateLimits: RateLimitStore
    let urls: ResourceURLs

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add(
            "/v2/Services/:service/RateLimits/:rateLimit/Buckets", endpoint: .rateLimits, get: list, post: create)
        routes.add(
            "/v2/Services/:service/RateLimits/:rateLimit/Buckets/:bucket", endpoint: .rateLimits, get: fetch,
            post: update, delete: delete)
    }

    /// `Max` (at least 1) and `Interval` (1 second to 1 day).
    private func bucketValues(_ form: FormData, required: Bool) throws(TwilioError) -> (max: Int?, interval: Int?) {
        let max = try form.int("Max", in: 1...1_000_000)
        let interval = try form.int("Interval", in: 1...86_400)
        if required, max == nil { throw .invalidParameter("Max", hint: "Max is required") }
        if required, interval == nil { throw .invalidParameter("Interval", hint: "Interval is required") }
        return (max, interval)
    }

    @Sendable func create(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.rateLimitTarget()
        let values = try bucketValues(try await request.form(context: context), required: true)
        let record = try await rateLimits.createBucket(
            account: target.account, service: target.service, rateLimit: target.rateLimit, max: values.max!,
            interval: values.interval!)
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)), status: .created)
    }

    @Sendable func list(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.rateLimitTarget()
        let page = try PageRequest(query: try request.queryForm(), list: .buckets, path: context.requestPath)
        let found = try await rateLimits.buckets(
            account: target.account, service: target.service, rateLimit: target.rateLimit, page: page)
        let base = urls.base(request)
        return try JSONResponse.make(
            ListPage(
                items: found.rows.map { $0.resource(baseURL: base) },
                meta: page.meta(found, listURL: base + context.requestPath)))
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.rateLimitTarget()
        let bucket = try context.pathSID("bucket", .bucket, path: target.path)
        let record = try await rateLimits.bucket(
            account: target.account, service: target.service, rateLimit: target.rateLimit, bucket: bucket)
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)))
    }

    @Sendable func update(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.rateLimitTarget()
        let bucket = try context.pathSID("bucket", .bucket, path: target.path)
        let values = try bucketValues(try await request.form(context: context), required: false)
        let record = try await rateLimits.updateBucket(
            account: target.account, service: target.service, rateLimit: target.rateLimit, bucket: bucket,
            max: values.max, interval: values.interval)
        return try JSONResponse.make(record.resource(baseURL: urls.base(request)))
    }

    @Sendable func delete(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.rateLimitTarget()
        let bucket = try context.pathSID("bucket", .bucket, path: target.path)
        try await rateLimits.deleteBucket(
            account: target.account, service: target.service, rateLimit: target.rateLimit, bucket: bucket)
        return Response(status: .noContent)
    }
}
