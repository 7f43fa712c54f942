import AsyncDeadlines
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
        /// Told of every finished call (its operation, duration and outcome), for metrics.
        public var observer: (@Sendable (Call) -> Void)?

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

    // MARK: Transport

    /// Every item of a list, following Twilio's paging; `filter` is added to the first page's
    /// query (the next pages' URLs carry it on).
    func listAll<Item: Codable & Sendable>(
        _ path: String, pageSize: Int, filter: FormData = FormData()
    ) async throws -> [Item] {
        var items: [Item] = []
        let query = filter.encoded.isEmpty ? "" : "&" + filter.encoded
        var url: String? = "\(configuration.baseURL)\(path)?PageSize=\(pageSize)&Page=0\(query)"
        var pages = 0
        while let next = url, pages < 1000 {
            let page: ListPage<Item> = try await perform(.GET, url: next, body: nil)
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

    /// What a request carries: Twilio's classic endpoints take forms, the Passkeys ones JSON.
    enum Body {
        case form(FormData)
        case json(Data)
    }

    func send<T: Decodable>(_ method: HTTPMethod, _ path: String, form: FormData? = nil) async throws -> T {
        try await perform(method, url: configuration.baseURL + path, body: form.map(Body.form))
    }

    /// A JSON body (the Passkeys endpoints), encoded as Twilio spells it.
    func send<T: Decodable>(_ method: HTTPMethod, _ path: String, json: some Encodable) async throws -> T {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try await perform(method, url: configuration.baseURL + path, body: .json(try encoder.encode(json)))
    }

    /// JSON bytes the caller already has (a browser's credential), sent unchanged.
    func send<T: Decodable>(_ method: HTTPMethod, _ path: String, jsonBytes: Data) async throws -> T {
        try await perform(method, url: configuration.baseURL + path, body: .json(jsonBytes))
    }

    func sendWithoutBody(_ method: HTTPMethod, _ path: String) async throws {
        _ = try await execute(method, url: configuration.baseURL + path, body: nil)
    }

    private func perform<T: Decodable>(_ method: HTTPMethod, url: String, body requestBody: Body?) async throws -> T {
        let body = try await execute(method, url: url, body: requestBody)
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch {
            throw VerifyClientError.invalidResponse(status: 200, body: String(buffer: body))
        }
    }

    private func execute(_ method: HTTPMethod, url: String, body requestBody: Body?) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "verify-client-swift")
        switch requestBody {
        case .form(let form):
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form.encoded))
        case .json(let data):
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: data))
        case nil:
            break
        }
        guard let observer = configuration.observer else { return try await exchange(request).body }
        let started = ContinuousClock.now
        let operation = Self.operation(method: method.rawValue, url: url, baseURL: configuration.baseURL)
        let tell = { (outcome: Outcome) in
            observer(Call(operation: operation, duration: .now - started, outcome: outcome))
        }
        do {
            let (status, body) = try await exchange(request)
            tell(.answered(status: status))
            return body
        } catch {
            switch error as? VerifyClientError {
            case .twilio(let twilioError): tell(.twilioError(code: twilioError.code, status: twilioError.status))
            case .timeout: tell(.timeout)
            case .invalidResponse(let status, _): tell(.invalidResponse(status: status))
            case .transport, nil: tell(.transport)
            }
            throw error
        }
    }

    /// Sends `request`; a 2xx answer's status and body, or the error it makes. The whole
    /// exchange, head and body, is bounded by ``Configuration/timeout``: AsyncHTTPClient's
    /// deadline covers the head only, so an answer that stalls mid-body would otherwise hold its
    /// caller and its pooled connection for ever. On a timeout the exchange's task is cancelled,
    /// which closes that connection instead of returning it to the pool.
    private func exchange(_ request: HTTPClientRequest) async throws -> (status: Int, body: ByteBuffer) {
        try await cancellingAtDeadline(configuration.timeout, timedOut: { VerifyClientError.timeout }) {
            try await self.unboundedExchange(request)
        }
    }

    private func unboundedExchange(_ request: HTTPClientRequest) async throws -> (status: Int, body: ByteBuffer) {
        let response: HTTPClientResponse
        let body: ByteBuffer
        let deadline = NIODeadline.now() + configuration.timeout.timeAmount
        do {
            response = try await httpClient.execute(request, deadline: deadline)
            body = try await response.body.collect(upTo: 4 * 1024 * 1024)
        } catch let error as HTTPClientError
            where error == .deadlineExceeded || error == .connectTimeout || error == .readTimeout
            || error == .getConnectionFromPoolTimeout
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
        return (status, body)
    }
}

extension Duration {
    /// The duration as NIO's `TimeAmount` (millisecond precision).
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}
