import Hummingbird
import Logging
import ServiceLifecycle
import VerifyClient
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Builds the auth server: a Verify client (real Twilio or an emulator, by base URL), the token
/// service, and the login API. In development mode it creates (or reuses) its Verify service on
/// the emulator. The executable runs the result; tests build the same application.
///
/// ```swift
/// let configuration = try AuthConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
/// let app = try await buildAuthServer(configuration: configuration)
/// try await app.runService()
/// ```
public func buildAuthServer(
    configuration: AuthConfiguration,
    logger: Logger = Logger(label: "auth-server"),
    now: @escaping @Sendable () -> Date = { Date() }
) async throws -> some ApplicationProtocol {
    let verify = VerifyClient(configuration: configuration.verify)
    let serviceSid: String
    if let sid = configuration.verifyServiceSid {
        serviceSid = sid
    } else {
        let name = "Auth Server (dev)"
        let existing = try await verify.listServices().first { $0.friendlyName == name }
        if let existing {
            serviceSid = existing.sid
        } else {
            serviceSid = try await verify.createService(.init(friendlyName: name)).sid
        }
        logger.notice("development mode: using Verify service \(serviceSid) at \(configuration.verify.baseURL)")
    }
    let tokens = try await TokenService(configuration: configuration, now: now)

    let router = Router(context: AuthRequestContext.self)
    router.add(middleware: APIErrorMiddleware(logger: logger))
    let sessions = try SessionStore(path: configuration.databasePath)
    AuthAPI(
        verify: verify, serviceSid: serviceSid, tokens: tokens, sessions: sessions,
        refreshLifetime: Double(configuration.refreshTokenLifetime.components.seconds),
        limits: AbuseLimits(configuration: configuration), trustProxy: configuration.trustProxy,
        twilioRateLimitKey: configuration.twilioRateLimitKey, logger: logger
    ).addRoutes(to: router)
    return Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "auth-server"),
        services: [VerifyClientService(client: verify)],
        logger: logger)
}

/// Shuts the Verify client's connection pool down with the server.
struct VerifyClientService: Service {
    let client: VerifyClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
