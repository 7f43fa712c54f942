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
/// Every visitor of a form page gets a server-side session (SQLite) holding a CSRF token that
/// every form posts back; a session is signed in only after the password and, with two-factor
/// on, the code were accepted, and its ID changes at each of those steps. Pages follow
/// post/redirect/get, so reloading never re-submits a form.
struct WebApp: Sendable {
    static let sessionCookie = "auth_session"
    static let keyPrefix = "hbs."
    /// How long a password login waits for its code.
    static let pendingLifetime: TimeInterval = 600

    let service: AccountService
    let library: MustacheLibrary
    let driver: SQLitePersistDriver
    let trustProxy: Bool
    let logger: Logger

    var accounts: AccountStore { service.accounts }

    func addRoutes(to router: Router<AuthRequestContext>, cookieSecure: Bool, sessionLifetime: Duration) {
        router.get("/static/app.css") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: WebTemplates.stylesheet)))
        }
        let pages = router.group()
            .add(
                middleware: SessionMiddleware(
                    storage: driver,
                    configuration: .init(
                        sessionCookieParameters: .init(
                            name: Self.sessionCookie, path: "/", secure: cookieSecure, sameSite: .lax),
                        keyPrefix: Self.keyPrefix, defaultSessionExpiration: sessionLifetime))
            )
            .add(middleware: WebRequestMiddleware(accounts: accounts, library: library))
        pages.get("/") { request, context in
            try await render(
                "home", context, ["twoFactor": context.account?.twoFactorEnabled ?? false], needsSession: false)
        }
        pages.get("/register") { _, context in try await registerPage(context) }
        pages.post("/register", use: register)
        pages.get("/login") { _, context in
            if context.account != nil { return redirect("/profile") }
            return try await loginPage(context)
        }
        pages.post("/login", use: login)
        pages.get("/login/verify") { _, context in
            guard let pending = try await pendingAccount(context) else { return redirect("/login") }
            return try await loginVerifyPage(context, pending)
        }
        pages.post("/login/verify", use: loginVerify)
        pages.post("/login/verify/resend") { request, context in
            guard let pending = try await pendingAccount(context), let phone = pending.phone else {
                return redirect("/login")
            }
            return try await submit(
                context, then: "/login/verify", flash: "We sent a new code to \(pending.maskedPhone ?? "your phone")"
            ) {
                try await service.sendCode(to: phone, ip: ip(request, context))
            } otherwise: {
                try await loginVerifyPage(context, pending, errors: $0)
            }
        }
        pages.post("/logout") { request, context in
            try await rotate(request, context, to: WebSession.fresh(flash: "You are logged out"))
            return redirect("/login")
        }
        pages.get("/profile") { _, context in
            let account = try signedIn(context)
            return try await render(
                "profile", context,
                [
                    "account": ["username": account.username, "email": account.email, "about": account.about],
                    "twoFactor": account.twoFactorEnabled, "phone": account.maskedPhone ?? "",
                    "memberSince": Self.day(account.createdAt), "hasAbout": !account.about.isEmpty,
                ])
        }
        pages.get("/profile/edit") { _, context in
            let account = try signedIn(context)
            return try await editPage(context, username: account.username, about: account.about)
        }
        pages.post("/profile/edit") { request, context in
            let account = try signedIn(context)
            let username = context.form["username"] ?? ""
            let about = context.form["about"] ?? ""
            return try await submit(context, then: "/profile", flash: "Your profile is saved") {
                _ = try await service.updateProfile(account, username: username, about: about)
            } otherwise: {
                try await editPage(context, username: username, about: about, errors: $0)
            }
        }
        pages.get("/profile/password") { _, context in
            _ = try signedIn(context)
            return try await passwordPage(context)
        }
        pages.post("/profile/password") { request, context in
            let account = try signedIn(context)
            let oldKey = request.cookies[Self.sessionCookie].map { Self.keyPrefix + $0.value }
            do {
                try await service.changePassword(
                    account, current: context.form["current_password"] ?? "", new: context.form["password"] ?? "",
                    confirmation: context.form["password_confirmation"] ?? "", keepSession: oldKey)
            } catch let errors as FormErrors {
                return try await passwordPage(context, errors: errors)
            }
            // this browser stays signed in, under a new session ID
            try await rotate(
                request, context,
                to: signedInSession(account, flash: "Your password is changed; other sessions were signed out"))
            return redirect("/profile")
        }
        pages.get("/profile/2fa/enable") { _, context in
            let account = try signedIn(context)
            if account.twoFactorEnabled { return redirect("/profile") }
            return try await enablePage(context, account)
        }
        pages.post("/profile/2fa/enable") { request, context in
            let account = try signedIn(context)
            let phone = context.form["phone_number"] ?? ""
            return try await submit(context, then: "/profile/2fa/enable") {
                _ = try await service.startEnablingTwoFactor(account, phone: phone, ip: ip(request, context))
            } otherwise: {
                try await enablePage(context, account, phone: phone, errors: $0)
            }
        }
        pages.post("/profile/2fa/enable/resend") { request, context in
            let account = try signedIn(context)
            guard let phone = account.pendingPhone else { return redirect("/profile/2fa/enable") }
            return try await submit(context, then: "/profile/2fa/enable", flash: "We sent a new code") {
                try await service.sendCode(to: phone, ip: ip(request, context))
            } otherwise: {
                try await enablePage(context, account, errors: $0)
            }
        }
        pages.post("/profile/2fa/enable/confirm") { request, context in
            let account = try signedIn(context)
            return try await submit(context, then: "/profile", flash: "Two-factor authentication is on") {
                try await service.confirmEnablingTwoFactor(
                    account, code: context.form["code"] ?? "", ip: ip(request, context))
            } otherwise: {
                try await enablePage(context, account, errors: $0, codeStep: true)
            }
        }
        pages.get("/profile/2fa/disable") { request, context in
            let account = try signedIn(context)
            if !account.twoFactorEnabled { return redirect("/profile") }
            return try await disablePage(
                context, account, sent: request.uri.queryParameters["sent"] == "1")
        }
        pages.post("/profile/2fa/disable/send") { request, context in
            let account = try signedIn(context)
            return try await submit(context, then: "/profile/2fa/disable?sent=1") {
                try await service.startDisablingTwoFactor(account, ip: ip(request, context))
            } otherwise: {
                try await disablePage(context, account, sent: false, errors: $0)
            }
        }
        pages.post("/profile/2fa/disable") { request, context in
            let account = try signedIn(context)
            return try await submit(context, then: "/profile", flash: "Two-factor authentication is off") {
                try await service.confirmDisablingTwoFactor(
                    account, code: context.form["code"] ?? "", ip: ip(request, context))
            } otherwise: {
                try await disablePage(context, account, sent: true, errors: $0)
            }
        }
        pages.get("/reset") { _, context in try await resetPage(context) }
        pages.post("/reset") { request, context in
            let email = context.form["email"] ?? ""
            return try await submit(context, then: "/reset/confirm") {
                let sentTo = try await service.requestPasswordReset(email: email, ip: ip(request, context))
                context.sessions.withLockedSession { $0?.resetEmail = sentTo }
            } otherwise: {
                try await resetPage(context, email: email, errors: $0)
            }
        }
        pages.get("/reset/confirm") { _, context in
            guard let email = context.sessions.session?.resetEmail else { return redirect("/reset") }
            return try await resetConfirmPage(context, email: email)
        }
        pages.post("/reset/confirm") { request, context in
            guard let email = context.sessions.session?.resetEmail else { return redirect("/reset") }
            do {
                try await service.completePasswordReset(
                    email: email, code: context.form["code"] ?? "", password: context.form["password"] ?? "",
                    confirmation: context.form["password_confirmation"] ?? "", ip: ip(request, context))
            } catch let errors as FormErrors {
                return try await resetConfirmPage(context, email: email, errors: errors)
            }
            try await rotate(
                request, context,
                to: WebSession.fresh(flash: "Your password is changed. Log in with your new password."))
            return redirect("/login")
        }
    }

    // MARK: Actions

    @Sendable func register(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let form = context.form
        let account: Account
        do {
            account = try await service.register(
                username: form["username"] ?? "", email: form["email"] ?? "", password: form["password"] ?? "",
                confirmation: form["password_confirmation"] ?? "")
        } catch let errors as FormErrors {
            return try await registerPage(context, errors: errors)
        }
        logger.info("account \(account.sid) registered")
        try await rotate(
            request, context,
            to: signedInSession(account, flash: "Welcome, \(account.username)! Your account is ready."))
        return redirect("/profile")
    }

    @Sendable func login(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let login = context.form["login"] ?? ""
        let account: Account
        do {
            account = try await service.authenticate(
                login: login, password: context.form["password"] ?? "", ip: ip(request, context))
            if let phone = account.phone {
                try await service.sendCode(to: phone, ip: ip(request, context))
            }
        } catch let errors as FormErrors {
            return try await loginPage(context, login: login, errors: errors)
        }
        guard account.twoFactorEnabled else {
            try await rotate(request, context, to: signedInSession(account, flash: nil))
            return redirect("/profile")
        }
        // the password is right; the session stays signed out until the code is approved
        var session = WebSession.fresh(flash: nil)
        session.pendingAccountID = account.id
        session.pendingSince = service.now().timeIntervalSince1970
        try await rotate(request, context, to: session)
        return redirect("/login/verify")
    }

    @Sendable func loginVerify(_ request: Request, context: AuthRequestContext) async throws -> Response {
        guard let pending = try await pendingAccount(context), let phone = pending.phone else {
            return redirect("/login")
        }
        do {
            try await service.checkCode(to: phone, code: context.form["code"] ?? "", ip: ip(request, context))
        } catch let errors as FormErrors {
            return try await loginVerifyPage(context, pending, errors: errors)
        }
        try await rotate(request, context, to: signedInSession(pending, flash: nil))
        return redirect("/profile")
    }

    // MARK: Pages

    private func registerPage(_ context: AuthRequestContext, errors: FormErrors? = nil) async throws -> Response {
        let form = context.form
        return try await render(
            "register", context,
            [
                "fields": [
                    field("username", "Username", value: form["username"], errors, autocomplete: "username"),
                    field("email", "Email", type: "email", value: form["email"], errors, autocomplete: "email"),
                ] + newPasswordFields(errors, label: "Password")
            ], errors: errors)
    }

    private func loginPage(
        _ context: AuthRequestContext, login: String = "", errors: FormErrors? = nil
    )
        async throws -> Response
    {
        try await render(
            "login", context,
            [
                "fields": [
                    field("login", "Username or email", value: login, errors, autocomplete: "username"),
                    field("password", "Password", type: "password", errors, autocomplete: "current-password"),
                ]
            ], errors: errors)
    }

    /// A new password and its confirmation.
    private func newPasswordFields(_ errors: FormErrors?, label: String) -> [[String: Any]] {
        [
            field("password", label, type: "password", errors, autocomplete: "new-password"),
            field(
                "password_confirmation", "Confirm \(label.lowercased())", type: "password", errors,
                autocomplete: "new-password"),
        ]
    }

    private func codeField(_ errors: FormErrors?) -> [String: Any] {
        field(
            "code", "Code", errors, autocomplete: "one-time-code",
            extra: #"inputmode="numeric" maxlength="10" autofocus"#)
    }

    private func loginVerifyPage(
        _ context: AuthRequestContext, _ account: Account, errors: FormErrors? = nil
    )
        async throws -> Response
    {
        try await render(
            "login-verify", context, ["phone": account.maskedPhone ?? "", "fields": [codeField(errors)]],
            errors: errors)
    }

    private func editPage(
        _ context: AuthRequestContext, username: String, about: String, errors: FormErrors? = nil
    ) async throws -> Response {
        var data: [String: Any] = [
            "fields": [field("username", "Username", value: username, errors, autocomplete: "username")],
            "about": about,
        ]
        if let error = errors?.fields["about"] { data["aboutError"] = error }
        return try await render("profile-edit", context, data, errors: errors)
    }

    private func passwordPage(_ context: AuthRequestContext, errors: FormErrors? = nil) async throws -> Response {
        try await render(
            "profile-password", context,
            [
                "fields": [
                    field(
                        "current_password", "Current password", type: "password", errors,
                        autocomplete: "current-password")
                ] + newPasswordFields(errors, label: "New password")
            ], errors: errors)
    }

    private func enablePage(
        _ context: AuthRequestContext, _ account: Account, phone: String? = nil, errors: FormErrors? = nil,
        codeStep: Bool = false
    ) async throws -> Response {
        // errors go with the form that was posted: the code form, or the phone form
        let codeErrors = codeStep ? errors : nil
        let phoneErrors = codeStep ? nil : errors
        var data: [String: Any] = [
            "phoneFields": [
                field(
                    "phone_number", "Mobile number", type: "tel", value: phone ?? "", phoneErrors, autocomplete: "tel",
                    extra: #"placeholder="+14155550100""#)
            ],
            "codeFields": [codeField(codeErrors)],
        ]
        if let pending = account.pendingPhone { data["pendingPhone"] = pending }
        return try await render("2fa-enable", context, data, errors: errors)
    }

    private func disablePage(
        _ context: AuthRequestContext, _ account: Account, sent: Bool, errors: FormErrors? = nil
    ) async throws -> Response {
        try await render(
            "2fa-disable", context,
            [
                "phone": account.maskedPhone ?? "", "sent": sent || errors?.fields["code"] != nil,
                "fields": [codeField(errors)],
            ],
            errors: errors)
    }

    private func resetPage(
        _ context: AuthRequestContext, email: String = "", errors: FormErrors? = nil
    )
        async throws -> Response
    {
        try await render(
            "reset", context,
            ["fields": [field("email", "Email", type: "email", value: email, errors, autocomplete: "email")]],
            errors: errors)
    }

    private func resetConfirmPage(
        _ context: AuthRequestContext, email: String, errors: FormErrors? = nil
    )
        async throws -> Response
    {
        try await render(
            "reset-confirm", context,
            [
                "email": email,
                "fields": [
                    field("code", "Code from the email", errors, autocomplete: "one-time-code")
                ] + newPasswordFields(errors, label: "New password"),
            ], errors: errors)
    }

    // MARK: Helpers

    private func field(
        _ name: String, _ label: String, type: String = "text", value: String? = nil, _ errors: FormErrors?,
        autocomplete: String? = nil, extra: String? = nil
    ) -> [String: Any] {
        var field: [String: Any] = ["name": name, "label": label, "type": type, "value": value ?? ""]
        if let error = errors?.fields[name] { field["error"] = error }
        if let autocomplete { field["autocomplete"] = autocomplete }
        if let extra { field["extra"] = extra }
        return field
    }

    /// Renders a page inside the layout with the session's CSRF token, the signed-in user and
    /// the one-shot flash message. Visitors without a session get one here.
    func render(
        _ name: String, _ context: AuthRequestContext, _ data: [String: Any], errors: FormErrors? = nil,
        status: HTTPResponse.Status? = nil, needsSession: Bool = true
    ) async throws -> Response {
        if needsSession, context.sessions.session == nil { context.sessions.createSession(.fresh(flash: nil)) }
        let session = context.sessions.session
        if session?.flash != nil { context.sessions.withLockedSession { $0?.flash = nil } }
        var values = data
        values["csrf"] = session?.csrfToken ?? ""
        if let account = context.account {
            values["signedIn"] = true
            values["username"] = account.username
        }
        if let flash = session?.flash { values["flash"] = flash }
        // a general refusal, or a summary when several fields need attention; a single field's
        // error stands next to it alone
        if let errors, errors.message != nil || errors.fields.count > 1 {
            values["formError"] = errors.summary
        }
        // a wrong password re-renders the form: 400, as a 401 would need an HTTP auth challenge
        let errorStatus = errors.map { $0.status == .unauthorized ? .badRequest : $0.status }
        return Self.html(library.render(values, withTemplate: name) ?? "", status: status ?? errorStatus ?? .ok)
    }

    static func html(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A form's post: on success the flash is set and the browser redirected (post/redirect/get);
    /// a refusal re-renders the form with its errors.
    private func submit(
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

    private func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    private func flash(_ context: AuthRequestContext, _ message: String) {
        context.sessions.withLockedSession { $0?.flash = message }
    }

    private func signedInSession(_ account: Account, flash: String?) -> WebSession {
        var session = WebSession.fresh(flash: flash)
        session.accountID = account.id
        session.signedInAt = service.now().timeIntervalSince1970
        return session
    }

    /// Replaces this browser's session with `session` under a new ID and deletes the old one,
    /// so an ID learned before login (fixation) or before logout is worth nothing.
    private func rotate(_ request: Request, _ context: AuthRequestContext, to session: WebSession) async throws {
        if let old = request.cookies[Self.sessionCookie] {
            try await driver.remove(key: Self.keyPrefix + old.value)
        }
        context.sessions.createSession(session)
    }

    private func signedIn(_ context: AuthRequestContext) throws -> Account {
        guard let account = context.account else { throw SignInRequired() }
        return account
    }

    /// The account whose password was accepted and that waits for its code (for 10 minutes).
    private func pendingAccount(_ context: AuthRequestContext) async throws -> Account? {
        guard let session = context.sessions.session, let id = session.pendingAccountID,
            let since = session.pendingSince, service.now().timeIntervalSince1970 - since < Self.pendingLifetime,
            let account = try await accounts.find(id: id), !account.isDisabled, account.twoFactorEnabled
        else { return nil }
        return account
    }

    private func ip(_ request: Request, _ context: AuthRequestContext) -> String {
        context.clientIP(request, trustProxy: trustProxy)
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

/// Thrown by pages that need a signed-in user; answered with a redirect to the login page.
struct SignInRequired: Error {}

extension WebSession {
    static func fresh(flash: String?) -> WebSession {
        var session = WebSession(csrfToken: SessionStore.newToken())
        session.flash = flash
        return session
    }
}

/// Runs before every page: reads the form of a POST, refuses cross-site posts (`Sec-Fetch-Site`)
/// and posts without the session's CSRF token, loads the signed-in account (dropping sessions
/// voided by a password change or a disabled account).rows that a rotation replaced.
struct WebRequestMiddleware: RouterMiddleware {
    typealias Context = AuthRequestContext
    let accounts: AccountStore
    let library: MustacheLibrary

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        var context = context
        if request.method == .post {
            if let site = request.headers[.init("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
                return forbidden("This form was sent from another site, so it was refused.")
            }
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: 64 * 1024)
            } catch {
                return errorPage(status: .contentTooLarge, "Too much data", "The form was too large to accept.")
            }
            guard let form = try? FormData(parsing: Array(body.readableBytesView)) else {
                return errorPage(status: .badRequest, "Bad request", "The form could not be read.")
            }
            context.form = form
            guard let expected = context.sessions.session?.csrfToken, let sent = form["csrf_token"],
                Self.constantTimeEqual(expected, sent)
            else {
                return forbidden(
                    "This form has expired or did not come from this site. Go back, reload the page and try again.")
            }
        }
        if let session = context.sessions.session, let id = session.accountID {
            if let account = try await accounts.find(id: id), !account.isDisabled,
                (session.signedInAt ?? 0) >= account.sessionsValidAfter
            {
                context.account = account
            } else {
                // voided server-side: sign this browser out
                context.sessions.withLockedSession { data in
                    data?.accountID = nil
                    data?.signedInAt = nil
                }
            }
        }
        do {
            return try await next(request, context)
        } catch is SignInRequired {
            return Response(status: .seeOther, headers: [.location: "/login"])
        }
    }

    private func forbidden(_ message: String) -> Response {
        errorPage(status: .forbidden, "Request refused", message)
    }

    private func errorPage(status: HTTPResponse.Status, _ heading: String, _ message: String) -> Response {
        WebApp.html(
            library.render(["heading": heading, "message": message], withTemplate: "error") ?? heading, status: status)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
