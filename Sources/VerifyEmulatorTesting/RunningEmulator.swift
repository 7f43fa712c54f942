import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import VerifyEmulator
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An emulator running in-process for a test, on a free loopback port: the very application the
/// `verify-emulator` executable runs, with its own database.
///
/// ```swift
/// try await withVerifyEmulator { emulator in
///     let client = VerifyClient(configuration: .init(
///         baseURL: emulator.baseURL,
///         credentials: .authToken(accountSid: TwilioAccount.default.sid.rawValue,
///                                 authToken: TwilioAccount.default.authToken)))
///     _ = try await client.startVerification(
///         serviceSid: ServiceFixture.default.sid.rawValue, to: "+15005550006", channel: .sms)
///     let code = try #require(try await emulator.lastCode(to: "+15005550006"))
///     emulator.clock.advance(by: .seconds(601))   // and now that code has expired
///     try await client.shutdown()
/// }
/// ```
public struct RunningEmulator: Sendable {
    /// The loopback port the emulator listens on.
    public let port: Int
    /// The clock behind every expiry and limit window: move it instead of sleeping.
    public let clock: EmulatorClock
    /// Hummingbird's test client, connected to the emulator, for raw requests.
    public let client: any TestClientProtocol

    /// Where to point a Twilio SDK or ``VerifyClient``: `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The messages "sent" to `to`, newest first, as the control API lists them. With
    /// `waitingUpTo`, when none has been sent yet the answer comes as soon as one is (for code
    /// sent in the background), or empty when the time is up (at most 60 s).
    public func messages(to: String, waitingUpTo wait: Duration? = nil) async throws -> [OutboxMessage] {
        let waitParameter =
            wait.map {
                "&wait=\(Int(clamping: $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000))ms"
            } ?? ""
        return try await client.execute(
            uri: "/emulator/v1/messages?to=\(FormData.encode(to))" + waitParameter, method: .get
        ) { response in
            guard response.status == .ok else { throw UnexpectedAnswer(status: Int(response.status.code)) }
            return try JSONDecoder().decode(MessageList.self, from: Data(response.body.readableBytesView)).messages
        }
    }

    /// The code of the newest message to `to`, or nil when nothing was sent to it (within
    /// `waitingUpTo`, when given).
    ///
    /// ```swift
    /// let code = try await emulator.lastCode(to: "+15005550006", waitingUpTo: .seconds(2))
    /// ```
    public func lastCode(to: String, waitingUpTo wait: Duration? = nil) async throws -> String? {
        try await messages(to: to, waitingUpTo: wait).first?.code
    }

    private struct MessageList: Decodable {
        var messages: [OutboxMessage]
    }

    /// The control API answered something other than 200.
    public struct UnexpectedAnswer: Error, Sendable, Equatable {
        public var status: Int
    }

    /// The in-process server came up without a port to reach it on.
    public struct NotListening: Error, Sendable, Equatable {}
}

/// Starts an emulator in-process on a free loopback port, runs `body` with it, and stops it.
///
/// The configuration starts as a test wants it: an in-memory database, port 0, no console line
/// per message, and the default account and service (`TwilioAccount.default`,
/// `ServiceFixture.default`) unless `configure` names accounts of its own.
public func withVerifyEmulator(
    logger: Logger = Logger(label: "verify-emulator-test", factory: { _ in SwiftLogNoOpLogHandler() }),
    configure: (inout EmulatorConfiguration) -> Void = { _ in },
    _ body: @Sendable (RunningEmulator) async throws -> Void
) async throws {
    var configuration = EmulatorConfiguration()
    configuration.databasePath = ":memory:"
    configuration.logMessages = false
    configure(&configuration)
    configuration.port = 0
    let clock = configuration.clock
    let app = try await buildApplication(configuration: configuration, logger: logger)
    try await app.test(.live) { client in
        guard let port = client.port else { throw RunningEmulator.NotListening() }
        try await body(RunningEmulator(port: port, clock: clock, client: client))
    }
}
