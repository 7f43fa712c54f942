import Hummingbird
import HummingbirdAuth
import Mustache
import VerifyWire

/// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0), `/oauth/logout`: an application
/// signs the person out of this server and may name where the browser goes after, one of its
/// registered `post_logout_redirect_uris` exactly. With an `id_token_hint` this server issued
/// for the signed-in person, the sign-out happens at once; without one, the person confirms (a
/// link on another site must not sign anyone out), and the way back after the posted form is a
/// page that moves on by itself, as `form-action 'self'` would block a redirect.
extension WebApp {
    func addEndSessionRoutes(to pages: RouterGroup<AuthRequestContext>) {
        guard let provider = openID else { return }
        pages.get("/oauth/logout") { request, context in
            var parameters: [String: String] = [:]
            for (name, value) in Self.query(request)?.fields ?? [] where parameters[name] == nil {
                parameters[name] = value
            }
            let hint = await parameters["id_token_hint"].asyncMap { await provider.signer.read($0) }
            let client: OAuthClient?
            switch try await logoutClient(provider, parameters, hint: hint ?? nil) {
            case .success(let found): client = found
            case .failure(let refusal): return refusal.page
            }
            let signedIn = signedInAs(context)
            // the hint proves the application asked for this person's sign-out
            if let claims = hint ?? nil, signedIn == nil || signedIn?.subject.claim == claims.person.sub {
                try await signOut(request, context)
                return afterSignOut(provider, parameters, client: client, posted: false, context)
            }
            guard signedIn != nil else {
                return afterSignOut(provider, parameters, client: client, posted: false, context)
            }
            let kept = ["post_logout_redirect_uri", "state", "client_id"].compactMap { name in
                parameters[name].map { ["name": name, "value": $0] }
            }
            return try await render(
                "logout-confirm", context, ["hidden": kept, "application": client?.name ?? false])
        }
        pages.post("/oauth/logout") { request, context in
            var parameters: [String: String] = [:]
            for name in ["post_logout_redirect_uri", "state", "client_id"] { parameters[name] = context.form[name] }
            let client: OAuthClient?
            switch try await logoutClient(provider, parameters, hint: nil) {
            case .success(let found): client = found
            case .failure(let refusal): return refusal.page
            }
            try await signOut(request, context)
            return afterSignOut(provider, parameters, client: client, posted: true, context)
        }
    }

    /// The application asking: the ID token's audience, or `client_id`; a refusal page when a
    /// `post_logout_redirect_uri` is not one it registered (never redirected to).
    private func logoutClient(
        _ provider: OpenIDProvider, _ parameters: [String: String], hint: IDTokenClaims?
    ) async throws -> Result<OAuthClient?, LogoutRefusal> {
        var client: OAuthClient?
        if let id = hint?.aud ?? parameters["client_id"] { client = try await provider.clients.client(id) }
        if let hint, let named = parameters["client_id"], named != hint.aud {
            return .failure(LogoutRefusal(page: refusedLogout("client_id differs from the ID token's audience.")))
        }
        if let uri = parameters["post_logout_redirect_uri"] {
            guard let client, client.postLogoutRedirectURIs.contains(uri) else {
                return .failure(
                    LogoutRefusal(
                        page: refusedLogout("The post_logout_redirect_uri is not one registered for this application."))
                )
            }
        }
        return .success(client)
    }

    private func signOut(_ request: Request, _ context: AuthRequestContext) async throws {
        try await rotate(request, context, to: WebSession.fresh(flash: nil), keepingAuthorization: false)
    }

    /// Back to the application (with `state`), or the signed-out page.
    private func afterSignOut(
        _ provider: OpenIDProvider, _ parameters: [String: String], client: OAuthClient?, posted: Bool,
        _ context: AuthRequestContext
    ) -> Response {
        guard let uri = parameters["post_logout_redirect_uri"], client != nil else {
            return Self.html(library.render([:], withTemplate: "signed-out") ?? "", status: .ok)
        }
        let location = provider.redirect(uri, [("state", parameters["state"])])
        if posted {
            return Self.html(
                library.render(["location": location, "heading": "Signed out"], withTemplate: "continue") ?? "",
                status: .ok)
        }
        return Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
    }

    private func refusedLogout(_ message: String) -> Response {
        Self.html(
            library.render(["heading": "This sign-out link is not valid", "message": message], withTemplate: "error")
                ?? message,
            status: .badRequest)
    }
}

/// A sign-out request answered with an error page.
struct LogoutRefusal: Error {
    var page: Response
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async -> T) async -> T? {
        guard let self else { return nil }
        return await transform(self)
    }
}
