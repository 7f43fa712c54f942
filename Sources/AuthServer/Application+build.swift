import GRDB
import HTTPServerGuards
import Hummingbird
import Logging
import NIOCore
import ServerOperations
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
    let metrics = AuthMetrics()
    var verifyConfiguration = configuration.verify
    verifyConfiguration.observer = { [metrics] call in metrics.twilioCall(call) }
    let verify = VerifyClient(configuration: verifyConfiguration)
    do {
        return try await assembleAuthServer(
            configuration: configuration, verify: verify, metrics: metrics, logger: logger, now: now)
    } catch {
        // the client's connection pool must be shut down before it goes away, even when start-up fails
        try? await verify.shutdown()
        throw error
    }
}

/// The auth server around a running Verify client; ``buildAuthServer(configuration:logger:now:)``
/// shuts the client down when this throws.
private func assembleAuthServer(
    configuration: AuthConfiguration, verify: VerifyClient, metrics: AuthMetrics, logger: Logger,
    now: @escaping @Sendable () -> Date
) async throws -> some ApplicationProtocol {
    let serviceSid: String
    if let sid = configuration.verifyServiceSid {
        serviceSid = sid
    } else {
        serviceSid = try await developmentService(
            verify: verify, baseURL: configuration.verify.baseURL, passkeys: configuration.passkeysRelyingParty)
        logger.notice("development mode: using Verify service \(serviceSid) at \(configuration.verify.baseURL)")
    }
    let tokens = try await TokenService(configuration: configuration, now: now)

    let pages = try WebTemplates.library()
    let router = Router(context: AuthRequestContext.self)
    // first, so it counts the answer the error middleware makes of a thrown error
    router.add(middleware: RequestMetricsMiddleware(metrics: metrics.server))
    router.add(middleware: SecurityHeadersMiddleware())
    let routeMethods = RouteMethods()
    router.add(middleware: APIErrorMiddleware(logger: logger, pages: pages, routeMethods: routeMethods))
    router.add(middleware: CrossSiteAPIGuard())
    router.add(middleware: RequestClientMiddleware(trustedProxies: configuration.trustedProxies))
    router.get("/healthz") { _, _ in try JSONResponse.make(HealthBody()) }
    router.get("/metrics") { _, _ in metrics.server.response() }

    let storage = try await AuthStorage.open(configuration, logger: logger, now: now)
    // `/livez`: the process answers; `/readyz`: and its database takes a write (for a load
    // balancer or HEALTHCHECK); `/healthz` stays as it was
    router.get("/livez") { _, _ in try JSONResponse.make(HealthBody()) }
    router.get("/readyz") { _, _ in
        do {
            try await storage.readiness.checkWritable()
            return try JSONResponse.uncached(ReadinessBody(status: "ready"))
        } catch {
            logger.warning("not ready: the database does not take a write: \(error)")
            // the detail (host, port) goes to the log only: this route is as public as the server
            return try JSONResponse.uncached(
                ReadinessBody(status: "unavailable", reason: "the database does not take a write"),
                status: .serviceUnavailable)
        }
    }
    let refreshTokens = storage.refreshTokens
    let accounts = storage.accounts
    if !configuration.developmentMode, configuration.smsGate.allowedCountries == nil,
        !configuration.smsGate.everyCountryChosen
    {
        logger.warning(
            "SMS_ALLOWED_COUNTRIES is not set: codes go to numbers in every country, where SMS pumping can cost money; set it to the countries your users live in (or * to keep this)"
        )
    }
    if !configuration.smsGate.reviewNumbers.codes.isEmpty {
        logger.notice(
            "review numbers (TEST_PHONE_NUMBERS), which log in with their fixed code and never reach Twilio: \(configuration.smsGate.reviewNumbers.numbers.joined(separator: ", "))"
        )
    }
    if let openID = configuration.openID {
        let plain = openID.fileClients.filter {
            if case .plainSecret = $0.authentication { return true } else { return false }
        }
        if !plain.isEmpty {
            logger.warning(
                "OAUTH_CLIENTS_FILE holds plain client secrets (\(plain.map(\.id).joined(separator: ", "))): anyone who reads the file can act as those clients; store client_secret_hash (bcrypt) instead"
            )
        }
        logger.notice(
            "OpenID Connect provider \(openID.issuer) for \(openID.fileClients.count) client(s) of OAUTH_CLIENTS_FILE\(openID.fileClients.isEmpty ? "" : ": " + openID.fileClients.map(\.id).joined(separator: ", "))\(configuration.adminToken == nil ? "" : ", and those registered through /api/admin/clients")"
        )
    }
    let smsGate = SMSGate(
        settings: configuration.smsGate,
        countries: SMSCountryStore(
            database: storage.database, interval: configuration.smsGate.countInterval, logger: logger),
        metrics: metrics, logger: logger)
    let limits = AbuseLimits(configuration: configuration, store: storage.limits, sms: smsGate)
    if let webhook = configuration.webhook, webhook.url.hasPrefix("http://"), !configuration.developmentMode {
        logger.warning(
            "WEBHOOK_URL is http://: security events travel unencrypted (signed, but readable on the way); use https://"
        )
    }
    let wake = WebhookWake()
    let audit = AuditLog(
        store: AuditStore(database: storage.database), webhooks: configuration.webhook, wake: wake,
        retention: Double(configuration.auditRetention.components.seconds), metrics: metrics, logger: logger, now: now)
    let outbox = WebhookOutbox(database: storage.database)
    let issuer = TokenIssuer(
        tokens: tokens, refreshTokens: refreshTokens,
        refreshLifetime: Double(configuration.refreshTokenLifetime.components.seconds), metrics: metrics, audit: audit)
    func bearer(_ admits: BearerAuthenticator.Admits) -> RouterGroup<AuthRequestContext> {
        router.group().add(
            middleware: BearerAuthenticator(
                tokens: tokens, refreshTokens: refreshTokens, accounts: accounts, admits: admits, metrics: metrics))
    }

    TokensController(issuer: issuer, accounts: accounts, trustedProxies: configuration.trustedProxies, logger: logger)
        .addRoutes(to: router, signedIn: bearer(.anyToken))
    SessionsController(sessions: DeviceSessions(refreshTokens: refreshTokens, audit: audit, now: now))
        .addRoutes(signedIn: bearer(.phoneNumbersAndAccounts))
    let phoneLogin = PhoneLogin(
        verify: verify, serviceSid: serviceSid, limits: limits, twilioRateLimitKey: configuration.twilioRateLimitKey,
        audit: audit, logger: logger, now: now)
    SMSLoginController(
        verify: verify, serviceSid: serviceSid, issuer: issuer, limits: limits,
        trustedProxies: configuration.trustedProxies,
        twilioRateLimitKey: configuration.twilioRateLimitKey, metrics: metrics, logger: logger
    ).addRoutes(to: router, signedIn: bearer(.phoneNumbersAndAccounts))
    let resetCodes = ResetCodeSender(verify: verify, serviceSid: serviceSid, audit: audit, logger: logger)
    let service = AccountService(
        accounts: accounts, factors: storage.factors,
        passwords: Passwords(cost: configuration.bcryptCost), verify: verify,
        serviceSid: serviceSid, limits: limits, resetCodes: resetCodes, pushLogin: configuration.pushLogin,
        passkeysOn: configuration.passkeysRelyingParty != nil, metrics: metrics, audit: audit, logger: logger,
        now: now)
    AccountsController(service: service, issuer: issuer, trustedProxies: configuration.trustedProxies)
        .addRoutes(to: router, signedIn: bearer(.accounts))
    let clients = configuration.openID.map {
        OAuthClientRegistry(
            fileClients: $0.fileClients, store: OAuthClientStore(database: storage.database),
            accessAlgorithm: configuration.signingAlgorithm, passwords: service.passwords, refreshTokens: refreshTokens,
            audit: audit, now: now)
    }
    AdminController(
        admin: AdminService(accounts: accounts, audit: audit, now: now), service: service, outbox: outbox,
        clients: clients
    )
    .addRoutes(to: router.group("/api/admin").add(middleware: AdminAuthenticator(token: configuration.adminToken)))
    let codes = AuthorizationCodeStore(database: storage.database)
    var openID: OpenIDProvider?
    if let settings = configuration.openID, let clients {
        let provider = OpenIDProvider(
            settings: settings, clients: clients, codes: codes, issuer: issuer,
            refresher: SessionRefresher(issuer: issuer, accounts: accounts, logger: logger),
            signer: try await IDTokenSigner(settings: settings, accessKeys: configuration.signingKeys),
            accounts: accounts, passwords: service.passwords,
            liveTokens: LiveAccessTokens(tokens: tokens, refreshTokens: refreshTokens, accounts: accounts))
        OpenIDController(provider: provider).addRoutes(to: router, signedIn: bearer(.anyToken))
        openID = provider
    }
    let driver = storage.sessions
    WebApp(
        service: service, phoneLogin: phoneLogin, openID: openID, library: pages, driver: driver,
        trustedProxies: configuration.trustedProxies,
        emulatorURL: configuration.verifyServiceSid == nil ? configuration.verify.baseURL : nil, logger: logger
    )
    .addRoutes(
        to: router, cookieSecure: configuration.cookieSecure, sessionLifetime: configuration.sessionLifetime)
    try AuthAPIDocument.addRoutes(to: router)
    routeMethods.load(router.routes.map(\.description))
    return Application(
        router: router,
        // a connection that sends nothing (or never finishes its request head) is closed
        // and a refused connection (a 413, a head that cannot be parsed) is answered and closed
        // and a request asking to upgrade (the JDK's HttpClient asks for h2c on every call) is
        // answered over HTTP/1.1 without stopping the connection
        server: .upgradeIgnoringHTTP1(
            configuration: .init(
                additionalChannelHandlers: [RefusalCloser(badHead: badHeadAnswer)],
                idleTimeout: TimeAmount(configuration.idleTimeout))),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "auth-server",
            availableConnectionsDelegate: ConnectionCap(configuration.maxConnections, logger: logger)),
        services: [
            VerifyClientService(client: verify),
            ExpirySweeper(
                sessions: driver, limits: limits, audit: audit, outbox: outbox, codes: codes, now: now), resetCodes,
        ]
            + (configuration.webhook.map {
                [
                    WebhookDispatcher(
                        settings: $0, outbox: outbox, wake: wake, metrics: metrics, logger: logger, now: now)
                ]
            } ?? [])
            + (storage.postgres.map {
                [
                    PostgresRevocationListener(database: $0, refreshTokens: storage.refreshTokens),
                    PostgresDatabaseService(database: $0),
                ]
            } ?? [])
            // last, so that it stops first (services stop in reverse order) and writes the
            // breaker's last counts while the database is still open
            + [smsGate.countries.tally],
        logger: logger)
}

/// The answer to a request head the parser refused. Too large is nearly always a bearer token or
/// a cookie far over 80 KB, neither of which can be valid: 401 with the JSON `msg` every token
/// refusal carries.
@Sendable private func badHeadAnswer(_ problem: RefusalCloser.HeadProblem) -> RefusalCloser.Answer {
    let error: APIError =
        switch problem {
        case .tooLarge: .unauthorized("Request headers too large: more than 80 KB")
        case .malformed: .badRequest("Malformed HTTP request")
        }
    var headers = error.headers
    headers[.contentType] = "application/json"
    let body = (try? JSONResponse.encode(error.body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    return RefusalCloser.Answer(status: error.status, headers: headers, body: body)
}

/// Development mode's Verify service on the emulator: the one named "Auth Server (dev)", made
/// on first start, with the passkeys relying party of the configuration set on it at every
/// start. An emulator that does not answer stops start-up with a ``StartupError``.
private func developmentService(
    verify: VerifyClient, baseURL: String, passkeys: PasskeysConfig.RelyingParty?
) async throws -> String {
    let name = "Auth Server (dev)"
    do {
        let sid: String
        if let existing = try await verify.listServices().first(where: { $0.friendlyName == name }) {
            sid = existing.sid
        } else {
            sid = try await verify.createService(.init(friendlyName: name)).sid
        }
        if let passkeys {
            // usernameless sign-in needs discoverable credentials
            _ = try await verify.updateService(
                sid: sid,
                .init(
                    passkeysRelyingParty: passkeys, passkeysAuthenticatorAttachment: "any",
                    passkeysDiscoverableCredentials: "required", passkeysUserVerification: "preferred"))
        }
        return sid
    } catch let error as VerifyClientError {
        throw StartupError(
            "development mode needs the Verify API at \(baseURL) (is verify-emulator running?): \(error)")
    }
}

/// Shuts the Verify client's connection pool down with the server.
struct VerifyClientService: Service {
    let client: VerifyClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}

/// Disables (or re-enables) the account with this username or email in the auth server's
/// database (PostgreSQL with `DATABASE_URL`, else the SQLite file), for operators:
/// `auth-server disable-account alice`. A disabled account cannot log in; its sessions, refresh
/// tokens and access tokens stop working at once on every replica, even while they run.
/// Returns false when no account matches.
///
/// ```swift
/// let configuration = try AuthConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
/// _ = try await setAccountDisabled(configuration: configuration, login: "alice", disabled: true)
/// ```
public func setAccountDisabled(configuration: AuthConfiguration, login: String, disabled: Bool) async throws -> Bool {
    // (running servers refuse the account's tokens through their own check of the account; the
    // revoked refresh families reach the other replicas' caches by NOTIFY on PostgreSQL)
    var logger = Logger(label: "auth-server")
    logger.logLevel = .error
    let storage = try await AuthStorage.open(configuration, logger: logger, now: { Date() })
    defer { storage.postgres?.close() }
    // the same service as the admin API's, recorded in the audit log as the command's doing (a
    // webhook for it goes out when a server next polls the outbox)
    let audit = AuditLog(
        store: AuditStore(database: storage.database), webhooks: configuration.webhook, wake: WebhookWake(),
        retention: Double(configuration.auditRetention.components.seconds), metrics: AuthMetrics(), logger: logger,
        now: { Date() })
    let admin = AdminService(accounts: storage.accounts, audit: audit, now: { Date() })
    return try await admin.setDisabled(login, disabled: disabled, actor: .command) != nil
}
