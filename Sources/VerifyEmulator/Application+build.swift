import GRDB
import HTTPServerGuards
import Hummingbird
import Logging
import NIOCore
import ServerOperations
import ServiceLifecycle
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Builds the emulator: opens (and migrates) the database, creates fixture services, and wires
/// the Twilio API and the control API into one Hummingbird application. The executable runs
/// the result; tests start the very same application in-process.
///
/// ```swift
/// var configuration = EmulatorConfiguration()
/// configuration.databasePath = ":memory:"
/// let app = try await buildApplication(configuration: configuration)
/// try await app.runService()
/// ```
public func buildApplication(
    configuration: EmulatorConfiguration,
    logger: Logger = Logger(label: "verify-emulator"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    if let problem = configuration.problem { throw ConfigurationError(problem) }
    let writer: any DatabaseWriter
    do {
        writer = try EmulatorDatabase.open(path: configuration.databasePath)
    } catch {
        throw ConfigurationError("cannot open the database \(configuration.databasePath): \(error)")
    }
    let certificates = try TwilioCertificates.prepare(configuration, logger: logger)
    let batcher = WriteBatcher(writer: writer)
    let clock = configuration.clock
    let faults = FaultRules(configuration.faults)
    let snapshots = SnapshotStore(
        writer: writer, clock: clock, faults: faults, databasePath: configuration.databasePath)
    if let path = configuration.importPath {
        do {
            try await snapshots.restore(from: try await SnapshotStore.openImport(path: path))
        } catch let problem as SnapshotStore.Problem {
            guard case .notAnEmulatorDatabase(let reason) = problem else { throw problem }
            throw ConfigurationError("--import \(reason)")
        } catch {
            throw ConfigurationError("--import \(path): \(error)")
        }
    }
    let feed = MessageFeed()
    let requestLog = RequestLog()
    let metrics = EmulatorMetrics()
    let outbox = Outbox(
        writer: writer, logger: logger, logMessages: configuration.logMessages, feed: feed,
        hook: try configuration.deliveryWebhook.map { try DeliveryHook(url: $0, logger: logger) }, metrics: metrics)
    let services = ServiceStore(writer: writer, batcher: batcher, clock: clock)
    let verifications = VerificationStore(
        writer: writer, batcher: batcher, clock: clock,
        limits: .init(
            codeExpiry: configuration.codeExpiry.milliseconds,
            maxSendAttempts: configuration.maxSendAttempts,
            sendWindow: configuration.sendWindow.milliseconds,
            maxCheckAttempts: configuration.maxCheckAttempts),
        outbox: outbox)

    for fixture in configuration.effectiveServices {
        try await services.ensure(fixture)
    }
    let control = ControlStore(
        writer: writer, batcher: batcher, clock: clock, fixtureServices: configuration.effectiveServices)
    for rule in configuration.fixedCodes { try await control.setFixedCode(rule) }

    let router = Router(context: EmulatorRequestContext.self)
    // first, so it counts the answer the error middleware makes of a thrown error
    router.add(middleware: RequestMetricsMiddleware(metrics: metrics.server))
    router.get("/metrics") { _, _ in metrics.server.response() }
    let routeMethods = RouteMethods()
    router.add(
        middleware: TwilioErrorMiddleware(
            logger: logger, requestLog: requestLog, clock: clock, routeMethods: routeMethods))
    router.add(middleware: OtherTwilioProducts())
    let directory = AccountDirectory(accounts: configuration.effectiveAccounts)
    let accounts = AccountStore(writer: writer, batcher: batcher, clock: clock, directory: directory, control: control)
    try await accounts.load()
    router.add(
        middleware: LocalOriginGuard(
            allowedHosts: configuration.effectiveAllowedHosts, bodyLimit: configuration.maxBodySize))
    router.add(middleware: TwilioAuthMiddleware(directory: directory, bodyLimit: configuration.maxBodySize))
    let urls = ResourceURLs(
        publicURL: configuration.publicURL, fallbackHost: "\(configuration.host):\(configuration.port)")
    let rateLimits = RateLimitStore(writer: writer, batcher: batcher, clock: clock)
    var twilioRoutes = TwilioRoutes()
    let devices = DeviceAuthenticator(writer: writer, clock: clock)
    ServicesController(services: services, devices: devices, urls: urls).addRoutes(to: &twilioRoutes)
    let safeList = SafeListStore(writer: writer, batcher: batcher, clock: clock)
    let outcomes = CatalogueOutcomes(safeList: safeList)
    VerificationsController(verifications: verifications, outcomes: outcomes, urls: urls, metrics: metrics)
        .addRoutes(to: &twilioRoutes)
    VerificationChecksController(verifications: verifications, outcomes: outcomes, metrics: metrics)
        .addRoutes(to: &twilioRoutes)
    RateLimitsController(rateLimits: rateLimits, urls: urls).addRoutes(to: &twilioRoutes)
    BucketsController(rateLimits: rateLimits, urls: urls).addRoutes(to: &twilioRoutes)
    let factors = FactorStore(writer: writer, batcher: batcher, clock: clock)
    let webhookStore = WebhookStore(writer: writer, batcher: batcher, clock: clock)
    let webhooks = WebhookDispatcher(
        webhooks: webhookStore, directory: directory, clock: clock, logger: logger,
        retryDelays: configuration.webhookRetryDelays)
    EntitiesController(factors: factors, urls: urls).addRoutes(to: &twilioRoutes)
    FactorsController(factors: factors, devices: devices, webhooks: webhooks, urls: urls).addRoutes(to: &twilioRoutes)
    let challenges = ChallengeStore(writer: writer, batcher: batcher, clock: clock)
    ChallengesController(challenges: challenges, devices: devices, webhooks: webhooks, clock: clock, urls: urls)
        .addRoutes(to: &twilioRoutes)
    NotificationsController(challenges: challenges, urls: urls).addRoutes(to: &twilioRoutes)
    WebhooksController(webhooks: webhookStore, urls: urls).addRoutes(to: &twilioRoutes)
    PasskeysController(
        passkeys: PasskeyStore(writer: writer, batcher: batcher, clock: clock), webhooks: webhooks, urls: urls
    ).addRoutes(to: &twilioRoutes)
    let accessTokens = AccessTokenStore(writer: writer, batcher: batcher, clock: clock)
    AccessTokensController(tokens: accessTokens, urls: urls).addRoutes(to: &twilioRoutes)
    SafeListController(safeList: safeList, urls: urls).addRoutes(to: &twilioRoutes)
    MessagingConfigurationsController(
        configurations: MessagingConfigurationStore(writer: writer, batcher: batcher, clock: clock), urls: urls
    ).addRoutes(to: &twilioRoutes)
    FormsController(urls: urls).addRoutes(to: &twilioRoutes)
    AttemptsController(attempts: AttemptStore(writer: writer), urls: urls).addRoutes(to: &twilioRoutes)
    TemplatesController(urls: urls).addRoutes(to: &twilioRoutes)
    router.add(
        middleware: TwilioRouter(
            routes: twilioRoutes, routed: FaultMiddleware(rules: faults, safeList: safeList, metrics: metrics)))
    ControlAPI(
        outbox: outbox, feed: feed, webhooks: webhooks,
        control: control,
        clock: clock, requestLog: requestLog, faults: faults, directory: directory, urls: urls
    ).addRoutes(to: router)
    AccountsAPI(accounts: accounts, directory: directory).addRoutes(to: router)
    OutcomesAPI.addRoutes(to: router)
    HeadlessPasskeysAPI(passkeys: HeadlessPasskeys(writer: writer, batcher: batcher, clock: clock)).addRoutes(
        to: router)
    DevicesAPI(
        devices: VirtualDevices(
            writer: writer, batcher: batcher, clock: clock, tokens: accessTokens, factors: factors,
            challenges: challenges, devices: devices, webhooks: webhooks),
        control: control
    ).addRoutes(to: router)
    SNAEndpoint(batcher: batcher, clock: clock).addRoutes(to: router)
    SnapshotsAPI(snapshots: snapshots, accounts: accounts).addRoutes(to: router)
    InboxPage(writer: writer, clock: clock, feed: feed).addRoutes(to: router)
    CertificateAuthorityAPI(certificates: certificates).addRoutes(to: router)
    try ControlAPIDocument.addRoutes(to: router)
    routeMethods.load(router.routes.map(\.description))

    var lifecycleServices: [any Service] = []
    if configuration.databasePath != ":memory:" {
        lifecycleServices.append(
            WALCheckpointer(
                path: configuration.databasePath, logger: logger, commitCount: { batcher.commitCount },
                releaseMemory: {
                    // never the blocking releaseMemory(): its barrier holds a dispatch worker until
                    // every reader returns, and readers need workers to return
                    (writer as? DatabasePool)?.releaseMemoryEventually()
                    SystemMemory.returnFreePages()
                }))
    }
    lifecycleServices.append(
        WithheldDeliveries(writer: writer, batcher: batcher, clock: clock, outbox: outbox, logger: logger))
    if let retention = configuration.retention {
        lifecycleServices.append(
            RetentionPruner(
                retention: retention, liveWindow: max(configuration.codeExpiry, configuration.sendWindow),
                batcher: batcher, clock: clock, logger: logger, interval: configuration.pruneInterval))
    }
    // a connection that sends nothing (or never finishes its request head) is closed, so idle
    // and slowloris sockets cannot pile up; a refused connection (a 413, a head that cannot be
    // parsed) is answered and closed
    let channelHandlers: @Sendable () -> [any RemovableChannelHandler] = {
        [RefusalCloser(badHead: badHeadAnswer), EmulatorDateHeader(clock: clock)]
    }
    let connectionCap = ConnectionCap(configuration.maxConnections, logger: logger)
    if let tlsPort = configuration.tlsPort {
        lifecycleServices.append(
            TLSListener(
                application: Application(
                    router: router,
                    server: .emulator(
                        listener: .tls, certificates: certificates, additionalChannelHandlers: channelHandlers,
                        idleTimeout: TimeAmount(configuration.idleTimeout), logger: logger),
                    configuration: .init(
                        address: .hostname(configuration.host, port: tlsPort), serverName: "verify-emulator",
                        availableConnectionsDelegate: connectionCap),
                    logger: logger),
                address: "\(configuration.host):\(tlsPort)"))
    }
    return Application(
        router: router,
        server: .emulator(
            listener: .plain, certificates: certificates, additionalChannelHandlers: channelHandlers,
            idleTimeout: TimeAmount(configuration.idleTimeout), logger: logger),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "verify-emulator",
            availableConnectionsDelegate: connectionCap),
        services: lifecycleServices,
        onServerRunning: { channel in
            await onServerRunning(channel.localAddress?.port ?? configuration.port)
        },
        logger: logger
    )
}

@Sendable private func badHeadAnswer(_ problem: RefusalCloser.HeadProblem) -> RefusalCloser.Answer {
    let error =
        switch problem {
        case .tooLarge:
            TwilioError(
                code: 20001, status: 431, message: "Request headers too large", hint: "more than 80 KB of headers")
        case .malformed:
            TwilioError(
                code: 20001, status: 400, message: "Malformed HTTP request",
                hint: "the request head could not be parsed")
        }
    let body = (try? JSONEncoder().encode(error)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    return RefusalCloser.Answer(
        status: .init(code: error.status), headers: [.contentType: "application/json; charset=utf-8"], body: body)
}
