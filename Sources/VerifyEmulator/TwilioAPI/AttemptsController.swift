import Hummingbird
import VerifyWire

/// `/v2/Attempts`: the account's verification attempts (list with the spec's filters, fetch)
/// and `/v2/Attempts/Summary` (attempts, conversions and the conversion rate).
struct AttemptsController: Sendable {
    let attempts: AttemptStore
    let urls: ResourceURLs

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add("/v2/Attempts", endpoint: .attempts, get: list)
        routes.add("/v2/Attempts/Summary", endpoint: .attempts, get: summary)
        routes.add("/v2/Attempts/:attempt", endpoint: .attempts, get: fetch)
    }

    /// The filters both operations share, read from the query.
    static func filter(_ query: FormData, summary: Bool) throws(TwilioError) -> AttemptStore.Filter {
        var filter = AttemptStore.Filter()
        func date(_ name: String) throws(TwilioError) -> Int64? {
            guard let text = try query.string(name) else { return nil }
            guard let date = TwilioDate.parse(text) else {
                throw .invalidParameter(name, hint: "\(name) must be a time like 2030-01-01T00:00:00Z")
            }
            return date.epochMilliseconds
        }
        filter.createdAfter = try date("DateCreatedAfter")
        filter.createdBefore = try date("DateCreatedBefore")
        if let country = try query.string("Country") {
            guard PhoneCountry.isCountry(country), country != "all" else {
                throw .invalidParameter("Country", hint: "Country must be an ISO 3166-1 alpha-2 code such as US")
            }
            filter.country = country
        }
        if let text = try query.string("Channel") {
            guard let channel = VerificationChannel(rawValue: text) else {
                throw .invalidParameter("Channel", hint: "Channel must be sms, call, email, whatsapp or rbm")
            }
            filter.channel = channel
        }
        filter.serviceSid = try query.sid("VerifyServiceSid", .service)?.rawValue
        if summary {
            filter.destinationPrefix = try query.string("DestinationPrefix")
        } else {
            filter.to = try query.string("ChannelData.To")
            filter.verificationSid = try query.sid("VerificationSid", .verification)?.rawValue
            // the SDKs' documentation spells them CONVERTED and UNCONVERTED
            if let status = try query.string("Status")?.lowercased() {
                guard status == "converted" || status == "unconverted" else {
                    throw .invalidParameter("Status", hint: "Status must be converted or unconverted")
                }
                filter.converted = status == "converted"
            }
        }
        return filter
    }

    @Sendable func list(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let query = try request.queryForm()
        let page = try PageRequest(query: query, list: .attempts, path: context.requestPath)
        let found = try await attempts.list(
            account: try context.requireAccount(), filter: try Self.filter(query, summary: false), page: page)
        let base = urls.base(request)
        return try JSONResponse.make(
            ListPage(
                items: found.rows.map { $0.resource(baseURL: base) },
                meta: page.meta(found, listURL: base + context.requestPath)))
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let attempt = try await attempts.attempt(
            account: try context.requireAccount(),
            sid: try context.pathSID("attempt", .sendAttempt, path: context.requestPath))
        return try JSONResponse.make(attempt.resource(baseURL: urls.base(request)))
    }

    /// `part` of `whole` in percent with nine decimals, as Twilio writes it (`"81.818181818"`).
    static func percentage(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "0" }
        let scale: Int64 = 1_000_000_000
        let scaled = (Int64(part) * 100 * scale + Int64(whole) / 2) / Int64(whole)
        let fraction = String(scaled % scale)
        return "\(scaled / scale)." + String(repeating: "0", count: 9 - fraction.count) + fraction
    }

    @Sendable func summary(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let all = try await attempts.all(
            account: try context.requireAccount(), filter: try Self.filter(try request.queryForm(), summary: true))
        let converted = all.filter(\.converted).count
        let rate = Self.percentage(converted, of: all.count)
        return try JSONResponse.make(
            VerificationAttemptsSummaryResource(
                totalAttempts: all.count, totalConverted: converted, totalUnconverted: all.count - converted,
                conversionRatePercentage: rate, url: urls.base(request) + context.requestPath))
    }
}
