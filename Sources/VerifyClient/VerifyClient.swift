import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A typed async client for the Twilio Verify v2 API, on AsyncHTTPClient. Point it at Twilio
/// (the default base URL) or at a `verify-emulator` by base URL; nothing else changes.
///
/// ```swift
/// let client = VerifyClient(configuration: .init(
///     baseURL: "http://127.0.0.1:4010",
///     credentials: .authToken(accountSid: "AC…", authToken: "…")))
/// defer { try? await client.shutdown() }
/// let verification = try await client.startVerification(serviceSid: "VA…", to: "+15005550006", channel: .sms)
/// let check = try await client.checkVerification(serviceSid: "VA…", to: "+15005550006", code: "123456")
/// ```
///
/// Twilio's errors surface as ``VerifyClientError/twilio(_:)`` with the code and status; an
/// answer slower than ``Configuration/timeout`` as ``VerifyClientError/timeout``. Redirects are
/// never followed, so credentials are never sent anywhere but the configured host.
public final class VerifyClient: Sendable {
    public enum Credentials: Sendable, Equatable {
        /// An account SID (`AC…`) and its auth token.
        case authToken(accountSid: String, authToken: String)
        /// An API key SID (`SK…`) and its secret.
        case apiKey(sid: String, secret: String)

        var authorization: String {
            let (user, password) =
                switch self {
                case .authToken(let sid, let token): (sid, token)
                case .apiKey(let sid, let secret): (sid, secret)
                }
            return "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        }
    }

    public struct Configuration: Sendable {
        /// `https://verify.twilio.com`, or an emulator's URL.
        public var baseURL: String
        public var credentials: Credentials
        /// The longest any one request may take, connection included.
        public var timeout: Duration

        public init(
            baseURL: String = "https://verify.twilio.com", credentials: Credentials, timeout: Duration = .seconds(10)
        ) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.credentials = credentials
            self.timeout = timeout
        }
    }

    /// The channel to send a code on (``VerificationChannel`` of the wire model).
    public typealias Channel = VerificationChannel

    public let configuration: Configuration
    private let httpClient: HTTPClient
    private let ownsClient: Bool
    private let authorization: String

    /// A client with its own HTTP connection pool (call ``shutdown()`` when done), or on a given
    /// `HTTPClient` (its owner shuts it down; make sure it does not follow redirects).
    public init(configuration: Configuration, httpClient: HTTPClient? = nil) {
        self.configuration = configuration
        self.authorization = configuration.credentials.authorization
        if let httpClient {
            self.httpClient = httpClient
            self.ownsClient = false
        } else {
            var clientConfiguration = HTTPClient.Configuration(redirectConfiguration: .disallow)
            clientConfiguration.timeout = .init(connect: configuration.timeout.timeAmount)
            self.httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
            self.ownsClient = true
        }
    }

    public func shutdown() async throws {
        if ownsClient { try await httpClient.shutdown() }
    }

    // MARK: Services

    /// Settable service parameters; nil ones are not sent.
    public struct ServiceOptions: Sendable {
        public var friendlyName: String?
        public var codeLength: Int?
        public var customCodeEnabled: Bool?
        public var doNotShareWarningEnabled: Bool?
        public var lookupEnabled: Bool?

        public init(
            friendlyName: String? = nil, codeLength: Int? = nil, customCodeEnabled: Bool? = nil,
            doNotShareWarningEnabled: Bool? = nil, lookupEnabled: Bool? = nil
        ) {
            self.friendlyName = friendlyName
            self.codeLength = codeLength
            self.customCodeEnabled = customCodeEnabled
            self.doNotShareWarningEnabled = doNotShareWarningEnabled
            self.lookupEnabled = lookupEnabled
        }

        var form: FormData {
            var form = FormData()
            if let friendlyName { form.append("FriendlyName", friendlyName) }
            if let codeLength { form.append("CodeLength", String(codeLength)) }
            if let customCodeEnabled { form.append("CustomCodeEnabled", String(customCodeEnabled)) }
            if let doNotShareWarningEnabled {
                form.append("DoNotShareWarningEnabled", String(doNotShareWarningEnabled))
            }
            if let lookupEnabled { form.append("LookupEnabled", String(lookupEnabled)) }
            return form
        }
    }

    public func createService(_ options: ServiceOptions) async throws -> ServiceResource {
        try await send(.POST, "/v2/Services", form: options.form)
    }

    public func fetchService(sid: String) async throws -> ServiceResource {
        try await send(.GET, "/v2/Services/\(sid)")
    }

    public func updateService(sid: String, _ options: ServiceOptions) async throws -> ServiceResource {
        try await send(.POST, "/v2/Services/\(sid)", form: options.form)
    }

    public func deleteService(sid: String) async throws {
        try await sendWithoutBody(.DELETE, "/v2/Services/\(sid)")
    }

    /// Every service of the account, following Twilio's paging.
    public func listServices(pageSize: Int = 50) async throws -> [ServiceResource] {
        try await listAll("/v2/Services", pageSize: pageSize)
    }

    // MARK: Verifications

    public struct StartOptions: Sendable {
        public var locale: String?
        public var customFriendlyName: String?
        public var customCode: String?
        /// `RateLimits`: unique name -> value (e.g. `["end_user_ip_address": "1.2.3.4"]`).
        public var rateLimits: [String: String]

        public init(
            locale: String? = nil, customFriendlyName: String? = nil, customCode: String? = nil,
            rateLimits: [String: String] = [:]
        ) {
            self.locale = locale
            self.customFriendlyName = customFriendlyName
            self.customCode = customCode
            self.rateLimits = rateLimits
        }
    }

    public func startVerification(
        serviceSid: String, to: String, channel: Channel, options: StartOptions = StartOptions()
    ) async throws -> VerificationResource {
        var form = FormData([(name: "To", value: to), (name: "Channel", value: channel.rawValue)])
        if let locale = options.locale { form.append("Locale", locale) }
        if let name = options.customFriendlyName { form.append("CustomFriendlyName", name) }
        if let code = options.customCode { form.append("CustomCode", code) }
        if !options.rateLimits.isEmpty {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            form.append("RateLimits", String(decoding: try encoder.encode(options.rateLimits), as: UTF8.self))
        }
        return try await send(.POST, "/v2/Services/\(serviceSid)/Verifications", form: form)
    }

    public func fetchVerification(serviceSid: String, sid: String) async throws -> VerificationResource {
        try await send(.GET, "/v2/Services/\(serviceSid)/Verifications/\(sid)")
    }

    public enum FinalStatus: String, Sendable {
        case canceled, approved
    }

    public func updateVerification(
        serviceSid: String, sid: String, status: FinalStatus
    ) async throws
        -> VerificationResource
    {
        try await send(
            .POST, "/v2/Services/\(serviceSid)/Verifications/\(sid)",
            form: FormData([(name: "Status", value: status.rawValue)]))
    }

    /// Checks a code for the pending verification of `to`.
    public func checkVerification(
        serviceSid: String, to: String, code: String
    ) async throws
        -> VerificationCheckResource
    {
        try await send(
            .POST, "/v2/Services/\(serviceSid)/VerificationCheck",
            form: FormData([(name: "To", value: to), (name: "Code", value: code)]))
    }

    /// Checks a code for a verification by SID.
    public func checkVerification(
        serviceSid: String, verificationSid: String, code: String
    ) async throws
        -> VerificationCheckResource
    {
        try await send(
            .POST, "/v2/Services/\(serviceSid)/VerificationCheck",
            form: FormData([(name: "VerificationSid", value: verificationSid), (name: "Code", value: code)]))
    }

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

    // MARK: Transport

    private func listAll<Item: Codable & Sendable>(_ path: String, pageSize: Int) async throws -> [Item] {
        var items: [Item] = []
        var url: String? = "\(configuration.baseURL)\(path)?PageSize=\(pageSize)&Page=0"
        var pages = 0
        while let next = url, pages < 1000 {
            let page: ListPage<Item> = try await perform(.GET, url: next, form: nil)
            items += page.items
            // Follow the next page as Twilio gives it, but only on the configured host.
            url = page.meta.nextPageURL.map { rebase($0) }
            pages += 1
        }
        return items
    }

    /// Keeps the path and query of a URL the server gave, on the configured base URL.
    private func rebase(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return configuration.baseURL + url }
        let afterScheme = url[schemeEnd.upperBound...]
        let pathStart = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        return configuration.baseURL + afterScheme[pathStart...]
    }

    private func send<T: Decodable>(_ method: HTTPMethod, _ path: String, form: FormData? = nil) async throws -> T {
        try await perform(method, url: configuration.baseURL + path, form: form)
    }

    private func sendWithoutBody(_ method: HTTPMethod, _ path: String) async throws {
        _ = try await execute(method, url: configuration.baseURL + path, form: nil)
    }

    private func perform<T: Decodable>(_ method: HTTPMethod, url: String, form: FormData?) async throws -> T {
        let body = try await execute(method, url: url, form: form)
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch {
            throw VerifyClientError.invalidResponse(status: 200, body: String(buffer: body))
        }
    }

    private func execute(_ method: HTTPMethod, url: String, form: FormData?) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "verify-client-swift")
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form.encoded))
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        let deadline = NIODeadline.now() + configuration.timeout.timeAmount
        do {
            response = try await httpClient.execute(request, deadline: deadline)
            body = try await response.body.collect(upTo: 4 * 1024 * 1024)
        } catch let error as HTTPClientError
            where error == .deadlineExceeded || error == .connectTimeout || error == .readTimeout
        {
            throw VerifyClientError.timeout
        } catch let error as HTTPClientError {
            throw VerifyClientError.transport("\(error)")
        } catch let error as VerifyClientError {
            throw error
        } catch {
            throw VerifyClientError.transport("\(error)")
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            if let twilioError = try? JSONDecoder().decode(TwilioError.self, from: Data(body.readableBytesView)) {
                throw VerifyClientError.twilio(twilioError)
            }
            throw VerifyClientError.invalidResponse(status: status, body: String(buffer: body))
        }
        return body
    }
}

extension Duration {
    /// The duration as NIO's `TimeAmount` (millisecond precision).
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}
