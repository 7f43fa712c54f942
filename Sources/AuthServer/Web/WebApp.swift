import Crypto
import Hummingbird
import HummingbirdAuth
import Logging
import Mustache
import NIOCore
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The server-rendered pages: register, log in (with the SMS second step when it is on),
/// profile, edit profile, change password, turn two-factor on and off, password reset.
///
/// A server-side session (SQLite) exists only once there is something to keep: a login waiting
/// for its code, a reset email, a one-shot notice, a signed-in user; before that the CSRF token
/// every form posts back lives in a cookie (``WebRequestMiddleware``). A session is signed in only
/// after the password and, with two-factor on, the code were accepted, and its ID changes at each
/// of those steps. Pages follow
/// post/redirect/get, so reloading never re-submits a form.
struct WebApp: Sendable {
    static let sessionCookie = "auth_session"
    static let keyPrefix = "hbs."
    /// How long a password login waits for its code.
    static let pendingLifetime: TimeInterval = 600

    let service: AccountService
    /// "Sign in with your phone": the same rules as the JSON API's SMS login.
    let phoneLogin: PhoneLogin
    /// The OpenID Connect provider, when clients are registered.
    let openID: OpenIDProvider?
    let library: MustacheLibrary
    let driver: WebSessionStore
    /// How many proxies in front append to `X-Forwarded-For` (0: use the peer address).
    let trustedProxies: Int
    /// In development mode, the emulator's URL: the pages say where codes and push requests
    /// can be answered.
    let emulatorURL: String?
    let logger: Logger

    var accounts: AccountStore { service.accounts }

    func addRoutes(to router: Router<AuthRequestContext>, cookieSecure: Bool, sessionLifetime: Duration) {
        router.get("/static/app.css") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: WebTemplates.stylesheet)))
        }
        router.get("/static/login-push.js") { _, _ in Self.script(WebScripts.pushLogin) }
        router.get("/static/passkeys.js") { _, _ in Self.script(WebScripts.passkeys) }
        let pages = router.group()
            .add(
                middleware: SessionMiddleware(
                    storage: driver,
                    configuration: .init(
                        sessionCookieParameters: .init(
                            name: Self.sessionCookie, path: "/", secure: cookieSecure, sameSite: .lax),
                        keyPrefix: Self.keyPrefix, defaultSessionExpiration: sessionLifetime))
            )
            .add(middleware: WebRequestMiddleware(accounts: accounts, library: library, cookieSecure: cookieSecure))
        pages.get("/") { request, context in
            try await render("home", context, ["twoFactor": context.account?.twoFactorEnabled ?? false])
        }
        addLoginRoutes(to: pages)
        addPhoneLoginRoutes(to: pages)
        addAuthorizeRoutes(to: pages)
        addEndSessionRoutes(to: pages)
        addProfileRoutes(to: pages)
        addConfirmRoutes(to: pages)
        addTwoFactorRoutes(to: pages)
        addAuthenticatorRoutes(to: pages)
        addPushRoutes(to: pages)
        addPasskeyRoutes(to: pages)
        addResetRoutes(to: pages)
    }

    /// A new password and its confirmation.
    func newPasswordFields(_ errors: FormErrors?, label: String) -> [[String: Any]] {
        [
            field("password", label, type: "password", errors, autocomplete: "new-password"),
            field(
                "password_confirmation", "Confirm \(label.lowercased())", type: "password", errors,
                autocomplete: "new-password"),
        ]
    }

    func codeField(_ errors: FormErrors?) -> [String: Any] {
        field(
            "code", "Code", errors, autocomplete: "one-time-code",
            extra: #"inputmode="numeric" maxlength="10" autofocus"#)
    }

    func recoveryCodeField(_ errors: FormErrors?) -> [String: Any] {
        field(
            "code", "Recovery code", errors, autocomplete: "off",
            extra: #"maxlength="20" autocapitalize="none" spellcheck="false" autofocus"#)
    }

    func field(
        _ name: String, _ label: String, type: String = "text", value: String? = nil, _ errors: FormErrors?,
        autocomplete: String? = nil, extra: String? = nil
    ) -> [String: Any] {
        var field: [String: Any] = ["name": name, "label": label, "type": type, "value": value ?? ""]
        if let error = errors?.fields[name] { field["error"] = error }
        if let autocomplete { field["autocomplete"] = autocomplete }
        if let extra { field["extra"] = extra }
        return field
    }

    /// Renders a page inside the layout with the CSRF token (the session's, or the visitor's
    /// cookie), the signed-in user and the one-shot flash message.
    func render(
        _ name: String, _ context: AuthRequestContext, _ data: [String: Any], errors: FormErrors? = nil,
        status: HTTPResponse.Status? = nil
    ) async throws -> Response {
        let session = context.sessions.session
        if session?.flash != nil { context.sessions.withLockedSession { $0?.flash = nil } }
        var values = data
        values["csrf"] = session?.csrfToken ?? context.visitorCSRFToken
        if let account = context.account {
            values["signedIn"] = true
            values["username"] = account.username
        } else if let phone = session?.phoneNumber, session?.signedInAt != nil {
            values["signedIn"] = true
            values["phoneSignedIn"] = true
            values["username"] = phone
        }
        // an application's sign-in in progress: the pages say which
        if let pending = session?.authorization, pending.isWaiting(at: service.now().timeIntervalSince1970),
            let name = pending.clientName
        {
            values["application"] = name
        }
        if let flash = session?.flash { values["flash"] = flash }
        // development mode: the pages that ask for a code say where the emulator shows it
        if let emulatorURL { values["inboxURL"] = emulatorURL }
        // a general refusal, or a summary when several fields need attention; a single field's
        // error stands next to it alone
        if let errors, errors.message != nil || errors.fields.count > 1 {
            values["formError"] = errors.summary
        }
        // a wrong password re-renders the form: 400, as a 401 would need an HTTP auth challenge
        let errorStatus = errors.map { $0.status == .unauthorized ? .badRequest : $0.status }
        return Self.html(library.render(values, withTemplate: name) ?? "", status: status ?? errorStatus ?? .ok)
    }

    static func script(_ text: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func html(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A form's post: on success the flash is set and the browser redirected (post/redirect/get);
    /// a refusal re-renders the form with its errors.
    func submit(
        _ context: AuthRequestContext, then location: String, flash message: String? = nil,
        _ action: () async throws -> Void, otherwise page: (FormErrors) async throws -> Response
    ) async throws -> Response {
        do {
            try await action()
        } catch let errors as FormErrors {
            return try await page(errors)
        }
        if let message { flash(context, message) }
        return redirect(location)
    }

    func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    func flash(_ context: AuthRequestContext, _ message: String) {
        keep(context, \.flash, message)
    }

    /// Changes this browser's session, creating it (with the visitor's CSRF token, so a form
    /// already open stays valid) when there is none yet.
    func keep<Value>(_ context: AuthRequestContext, _ field: WritableKeyPath<WebSession, Value>, _ value: Value) {
        if context.sessions.session == nil {
            var session = WebSession(csrfToken: context.visitorCSRFToken)
            session[keyPath: field] = value
            context.sessions.createSession(session)
        } else {
            context.sessions.withLockedSession { $0?[dynamicMember: field] = value }
        }
    }

    /// A session signed in to `account` by `methods` (RFC 8176 values, for ID tokens).
    func signedInSession(_ account: UserAccount, flash: String?, methods: [String]) -> WebSession {
        var session = WebSession.fresh(flash: flash)
        session.accountID = account.id
        session.signedInAt = service.now().timeIntervalSince1970
        session.methods = methods
        return session
    }

    /// Replaces this browser's session with `session` under a new ID and deletes the old one,
    /// so an ID learned before login (fixation) or before logout is worth nothing. An
    /// application's authorization request waiting for the sign-in moves to the new session,
    /// unless `keepingAuthorization` is false (a logout).
    func rotate(
        _ request: Request, _ context: AuthRequestContext, to session: WebSession, keepingAuthorization: Bool = true
    ) async throws {
        var session = session
        if keepingAuthorization, session.authorization == nil {
            session.authorization = context.sessions.session?.authorization
        }
        if let old = request.cookies[Self.sessionCookie] {
            try await driver.remove(key: Self.keyPrefix + old.value)
        }
        context.sessions.createSession(session)
    }

    /// Where a browser goes once signed in: back to the application whose authorization request
    /// sent it here, or to the profile. The way back is a page that moves on by itself, not a
    /// redirect: the sign-in was a posted form, and the pages' `form-action 'self'` would make
    /// the browser refuse a redirect chain from it that ends at the application.
    func afterSignIn(_ context: AuthRequestContext) async throws -> Response {
        guard let pending = context.sessions.session?.authorization,
            pending.isWaiting(at: service.now().timeIntervalSince1970)
        else {
            return redirect(context.sessions.session?.phoneNumber != nil ? "/" : "/profile")
        }
        return try await render(
            "continue", context, ["location": OpenIDController.continuePath, "heading": "Signed in"])
    }

    func signedIn(_ context: AuthRequestContext) throws -> UserAccount {
        guard let account = context.account else { throw SignInRequired() }
        return account
    }

    func ip(_ request: Request, _ context: AuthRequestContext) -> String {
        context.clientIP(request, trustedProxies: trustedProxies)
    }

    static func day(_ time: Double) -> String {
        let date = Date(timeIntervalSince1970: time)
        let components = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December",
        ]
        return "\(components.day!) \(months[components.month! - 1]) \(components.year!)"
    }
}
