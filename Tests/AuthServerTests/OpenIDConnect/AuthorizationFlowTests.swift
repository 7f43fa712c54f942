import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import NIOCore
import Testing
import VerifyWire

@testable import AuthServer

/// The code flow end to end through the pages, the token endpoint and userinfo, as a client
/// library would drive it (the Authlib suite in Tests/compat does the same with a real browser).
@Suite("Auth server: OpenID Connect authorization code flow")
struct AuthorizationFlowTests {
    static let issuer = "https://login.example.com"
    static let secret = "notes-web-secret-7f3a9c1d7e5b2846a0c9e7"
    static let webCallback = "https://notes.example.com/callback"
    static let appCallback = "com.example.notes:/callback"
    static let web = OAuthClient(
        id: "notes-web", name: "Notes", authentication: .plainSecret(secret), redirectURIs: [webCallback],
        postLogoutRedirectURIs: [], scopes: Set(OAuthScope.allCases), idTokenAlgorithm: .rs256)
    static let app = OAuthClient(
        id: "notes-ios", name: "Notes for iOS", authentication: .publicClient, redirectURIs: [appCallback],
        postLogoutRedirectURIs: [], scopes: Set(OAuthScope.allCases), idTokenAlgorithm: .rs256)
    static let limited = OAuthClient(
        id: "reader", name: "Reader", authentication: .plainSecret(secret), redirectURIs: ["https://reader.example/cb"],
        postLogoutRedirectURIs: [], scopes: [.openid], idTokenAlgorithm: .rs256)

    static func withProvider(_ body: @Sendable @escaping (Stack) async throws -> Void) async throws {
        let keys = try OpenIDSettings.temporaryRSAKeys()
        try await withAccounts(
            configure: { configuration in
                configuration.openID = OpenIDSettings(
                    issuer: issuer, fileClients: [web, app, limited], idTokenKeys: keys)
            }, body)
    }

    static func authorizePath(
        client: OAuthClient = web, redirect: String? = nil, scope: String = "openid profile email phone offline_access",
        state: String = "state-123", nonce: String? = "nonce-456", challenge: String? = nil,
        extra: [(String, String)] = []
    ) -> String {
        var form = FormData()
        form.append("response_type", "code")
        form.append("client_id", client.id)
        form.append("redirect_uri", redirect ?? client.redirectURIs[0])
        form.append("scope", scope)
        form.append("state", state)
        if let nonce { form.append("nonce", nonce) }
        if let challenge {
            form.append("code_challenge", challenge)
            form.append("code_challenge_method", "S256")
        }
        for (name, value) in extra { form.append(name, value) }
        return "/oauth/authorize?" + form.encoded
    }

    /// The query of a redirect to the client.
    static func query(_ location: String?) throws -> [String: String] {
        let location = try #require(location)
        let query = try #require(location.split(separator: "?", maxSplits: 1).last)
        var values: [String: String] = [:]
        for field in try FormData(parsing: String(query)).fields { values[field.name] = field.value }
        return values
    }

    static func tokenRequest(
        _ stack: Stack, _ fields: [(String, String)], basic: (String, String)? = nil, contentType: String? = nil,
        path: String = "/oauth/token"
    ) async throws -> (HTTPResponse.Status, [String: Any], HTTPFields) {
        var form = FormData()
        for (name, value) in fields { form.append(name, value) }
        var headers: HTTPFields = [.contentType: contentType ?? "application/x-www-form-urlencoded"]
        if let (id, secret) = basic {
            headers[.authorization] =
                "Basic " + Data("\(FormData.encode(id)):\(FormData.encode(secret))".utf8).base64EncodedString()
        }
        return try await stack.auth.execute(
            uri: path, method: .post, headers: headers, body: ByteBuffer(string: form.encoded)
        ) { response in
            (
                response.status,
                (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:],
                response.headers
            )
        }
    }

    static func idClaims(_ stack: Stack, _ token: String) async throws -> IDTokenClaims {
        let jwks = try await stack.auth.execute(uri: "/.well-known/jwks.json", method: .get) { String(buffer: $0.body) }
        let verifier = JWTKeyCollection()
        try await verifier.add(jwksJSON: jwks)
        return try await verifier.verify(token, as: IDTokenClaims.self)
    }

    static func userinfo(_ stack: Stack, _ token: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        let (status, body, _) = try await stack.json(.get, "/oauth/userinfo", token: token)
        return (status, body)
    }

    /// Signs `browser` in through the login page from an authorization request and returns
    /// the code the client receives.
    static func signInForCode(_ browser: Browser, _ path: String, login: String) async throws -> String {
        let start = try await browser.get(path)
        #expect(start.status == .seeOther && start.location == "/login", "\(start.body)")
        let page = try await browser.get("/login")
        #expect(page.body.contains(#"<p id="application">to continue to <strong>Notes</strong></p>"#))
        let signedIn = try await browser.post("/login", ["login": login, "password": "correct-horse-battery"])
        #expect(signedIn.status == .ok)
        #expect(signedIn.body.contains(#"<meta http-equiv="refresh" content="0;url=/oauth/authorize/continue">"#))
        let back = try await browser.get("/oauth/authorize/continue")
        #expect(back.status == .found)
        #expect(back.location?.hasPrefix(webCallback + "?") == true)
        let query = try Self.query(back.location)
        #expect(query["state"] == "state-123" && query["iss"] == issuer)
        return try #require(query["code"])
    }

    @Test("password sign-in: code, tokens, a valid ID token, userinfo; single sign-on after; prompt=login asks again")
    func passwordFlow() async throws {
        try await Self.withProvider { stack in
            // a registered account, signed out
            let registering = stack.browser()
            try await registering.register("alice", confirming: false)
            let browser = stack.browser()
            let code = try await Self.signInForCode(browser, Self.authorizePath(), login: "alice")

            let (status, tokens, headers) = try await Self.tokenRequest(
                stack, [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.webCallback)],
                basic: (Self.web.id, Self.secret))
            #expect(status == .ok, "\(tokens)")
            #expect(headers[.cacheControl] == "no-store")
            #expect(tokens["token_type"] as? String == "Bearer")
            #expect(tokens["scope"] as? String == "openid profile email phone offline_access")
            let access = try #require(tokens["access_token"] as? String)
            #expect(tokens["refresh_token"] is String)
            let claims = try await Self.idClaims(stack, try #require(tokens["id_token"] as? String))
            #expect(claims.iss == Self.issuer && claims.aud == Self.web.id && claims.nonce == "nonce-456")
            #expect(claims.amr == ["pwd"])
            #expect(claims.person.sub.hasPrefix("US") && claims.person.preferredUsername == "alice")
            #expect(claims.person.email == "alice@example.com" && claims.person.emailVerified == false)
            #expect(claims.person.phoneNumber == nil)
            #expect(abs(Double(claims.authTime) - stack.tokenClock.now().timeIntervalSince1970) < 5)
            #expect(claims.exp - claims.iat == 3600)

            let (infoStatus, info) = try await Self.userinfo(stack, access)
            #expect(infoStatus == .ok)
            #expect(info["sub"] as? String == claims.person.sub && info["preferred_username"] as? String == "alice")
            // the same access token works on the JSON API, as the same person
            #expect(try await stack.json(.get, "/api/accounts/me", token: access).0 == .ok)

            // single sign-on: a second request is answered at once; its query read as a form, where
            // `+` is a space (as Authlib sends the scope)
            let again = try await browser.get(
                Self.authorizePath(state: "second").replacingOccurrences(of: "openid%20profile", with: "openid+profile")
            )
            #expect(again.status == .found)
            #expect(try Self.query(again.location)["state"] == "second")
            #expect(try Self.query(again.location)["code"] != nil)

            // prompt=login: the login form again, even though signed in; then a code
            let forced = try await browser.get(Self.authorizePath(extra: [("prompt", "login")]))
            #expect(forced.status == .seeOther && forced.location == "/login")
            #expect(try await browser.get("/login").body.contains(#"action="/login""#))
            // resuming before signing in again gives no code
            #expect(try await browser.get("/oauth/authorize/continue").location == "/login")
            stack.tokenClock.advance(2)
            #expect(try await browser.login("alice").status == .ok)
            let resumed = try await browser.get("/oauth/authorize/continue")
            #expect(resumed.status == .found)
            #expect(try Self.query(resumed.location)["code"] != nil)

            // max_age=0 with a sign-in older than that: sign in again
            stack.tokenClock.advance(5)
            let aged = try await browser.get(Self.authorizePath(extra: [("max_age", "1")]))
            #expect(aged.status == .seeOther && aged.location == "/login")

            // a request left waiting longer than ten minutes is dropped: a later sign-in goes to
            // the profile, not to the application
            let walkedAway = stack.browser()
            #expect(try await walkedAway.get(Self.authorizePath()).location == "/login")
            stack.tokenClock.advance(601)
            #expect(try await walkedAway.login("alice").location == "/profile")
            let stale = try await walkedAway.get("/oauth/authorize/continue")
            #expect(stale.status == .badRequest, "\(stale.status) \(stale.location ?? "")")

            // prompt=none when not signed in: login_required to the client, with the state
            let none = try await stack.browser().get(Self.authorizePath(state: "s", extra: [("prompt", "none")]))
            #expect(none.status == .found)
            #expect(try Self.query(none.location)["error"] == "login_required")
            #expect(try Self.query(none.location)["state"] == "s")
        }
    }

    @Test("a replayed code is refused and revokes what its first use issued")
    func replayedCode() async throws {
        try await Self.withProvider { stack in
            try await stack.browser().register("bob", confirming: false)
            let code = try await Self.signInForCode(stack.browser(), Self.authorizePath(), login: "bob")
            let exchange: [(String, String)] = [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.webCallback),
            ]
            let (first, tokens, _) = try await Self.tokenRequest(stack, exchange, basic: (Self.web.id, Self.secret))
            #expect(first == .ok)
            let access = try #require(tokens["access_token"] as? String)
            let refresh = try #require(tokens["refresh_token"] as? String)
            #expect(try await Self.userinfo(stack, access).0 == .ok)

            let (second, refusal, _) = try await Self.tokenRequest(stack, exchange, basic: (Self.web.id, Self.secret))
            #expect(second == .badRequest)
            #expect(refusal["error"] as? String == "invalid_grant")
            #expect((refusal["error_description"] as? String)?.contains("used already") == true)
            #expect(try await Self.userinfo(stack, access).0 == .unauthorized)
            let (refreshed, _, _) = try await Self.tokenRequest(
                stack, [("grant_type", "refresh_token"), ("refresh_token", refresh)],
                basic: (Self.web.id, Self.secret))
            #expect(refreshed == .badRequest)
        }
    }

    @Test("sign in with your phone, a public client with PKCE; refresh only by the client it was issued to")
    func phoneFlowWithPKCE() async throws {
        try await Self.withProvider { stack in
            let verifier = "pkce-verifier-" + String(repeating: "x", count: 40)
            let challenge = Base64URL.encode(SHA256.hash(data: Data(verifier.utf8)))
            let browser = stack.browser()
            let start = try await browser.get(Self.authorizePath(client: Self.app, challenge: challenge))
            #expect(start.location == "/login")
            #expect(try await browser.get("/login").body.contains(#"href="/login/phone""#))
            let phonePage = try await browser.get("/login/phone")
            #expect(phonePage.body.contains("to continue to <strong>Notes for iOS</strong>"))
            let sent = try await browser.post("/login/phone", ["phone_number": "+1 415 555 0142"])
            #expect(sent.status == .seeOther && sent.location == "/login/phone/verify", "\(sent.body)")
            let codePage = try await browser.get("/login/phone/verify")
            #expect(codePage.body.contains(#"<strong id="phone">+14155550142</strong>"#))
            let wrong = try await browser.post(
                "/login/phone/verify", ["code": wrongCode(try await stack.code(for: "+14155550142"))])
            #expect(wrong.status == .badRequest)
            #expect(wrong.fieldError("code")?.contains("not right") == true)
            let signedIn = try await browser.post(
                "/login/phone/verify", ["code": try await stack.code(for: "+14155550142")])
            #expect(signedIn.status == .ok && signedIn.body.contains("/oauth/authorize/continue"))
            let back = try await browser.get("/oauth/authorize/continue")
            let query = try Self.query(back.location)
            #expect(back.location?.hasPrefix(Self.appCallback + "?") == true)
            let code = try #require(query["code"])

            // a public client: no secret, the verifier instead
            let (status, tokens, _) = try await Self.tokenRequest(
                stack,
                [
                    ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.appCallback),
                    ("client_id", Self.app.id), ("code_verifier", verifier),
                ])
            #expect(status == .ok, "\(tokens)")
            let claims = try await Self.idClaims(stack, try #require(tokens["id_token"] as? String))
            #expect(claims.person.sub == "+14155550142" && claims.amr == ["sms"])
            #expect(claims.person.phoneNumber == "+14155550142" && claims.person.phoneNumberVerified == true)
            #expect(claims.person.preferredUsername == nil)
            let access = try #require(tokens["access_token"] as? String)
            let (infoStatus, info) = try await Self.userinfo(stack, access)
            #expect(infoStatus == .ok && info["phone_number"] as? String == "+14155550142")

            // the session is the number's, listed among its devices with the browser's details
            let (_, sessions, _) = try await stack.json(.get, "/api/auth/sessions", token: access)
            #expect((sessions["sessions"] as? [[String: Any]])?.count == 1)

            let refresh = try #require(tokens["refresh_token"] as? String)
            // not by another client, nor by the JSON API, and neither attempt burns it
            let (other, otherBody, _) = try await Self.tokenRequest(
                stack, [("grant_type", "refresh_token"), ("refresh_token", refresh)],
                basic: (Self.web.id, Self.secret))
            #expect(other == .badRequest && otherBody["error"] as? String == "invalid_grant")
            let (api, _, _) = try await stack.json(.post, "/api/auth/refresh", #"{"refresh_token": "\#(refresh)"}"#)
            #expect(api == .unauthorized)
            let (rotated, next, _) = try await Self.tokenRequest(
                stack, [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", Self.app.id)])
            #expect(rotated == .ok, "\(next)")
            #expect(next["refresh_token"] as? String != refresh && next["id_token"] == nil)
            #expect(next["scope"] as? String == "openid profile email phone offline_access")
            let (narrowed, narrowBody, _) = try await Self.tokenRequest(
                stack,
                [
                    ("grant_type", "refresh_token"), ("refresh_token", try #require(next["refresh_token"] as? String)),
                    ("client_id", Self.app.id), ("scope", "openid phone"),
                ])
            #expect(narrowed == .ok && narrowBody["scope"] as? String == "openid phone")
        }
    }

    @Test("a phone login's deletion signs out the browsers signed in as its number, and only those")
    func phoneDeletionEndsWebSessions() async throws {
        try await Self.withProvider { stack in
            func signInByPhone(_ phone: String) async throws -> Browser {
                let browser = stack.browser()
                _ = try await browser.get("/login/phone")
                #expect(try await browser.post("/login/phone", ["phone_number": phone]).status == .seeOther)
                let signedIn = try await browser.post("/login/phone/verify", ["code": try await stack.code(for: phone)])
                #expect(signedIn.status == .seeOther || signedIn.status == .ok, "\(signedIn.status)")
                return browser
            }
            let challenge = Base64URL.encode(SHA256.hash(data: Data(String(repeating: "v", count: 50).utf8)))
            let request = Self.authorizePath(client: Self.app, challenge: challenge)
            let leaving = try await signInByPhone("+14155550171")
            let staying = try await signInByPhone("+14155550172")
            // both are signed in: a code at once (single sign-on)
            #expect(try await leaving.get(request).status == .found)
            #expect(try await staying.get(request).status == .found)

            let access = try await stack.login("+14155550171")
            _ = try await stack.post("/api/auth/send-verification", #"{"phone_number": "+14155550171"}"#)
            let code = try await stack.code(for: "+14155550171")
            #expect(try await stack.json(.delete, "/api/auth/me", #"{"code": "\#(code)"}"#, token: access).0 == .ok)

            let after = try await leaving.get(request)
            #expect(after.status == .seeOther && after.location == "/login", "\(after.status)")
            #expect(try await staying.get(request).status == .found)
        }
    }

    @Test(
        "requests the pages cannot trust are shown, never redirected",
        arguments: [
            "/oauth/authorize?response_type=code&redirect_uri=https%3A%2F%2Fnotes.example.com%2Fcallback",
            "/oauth/authorize?response_type=code&client_id=nobody&redirect_uri=https%3A%2F%2Fnotes.example.com%2Fcallback",
            "/oauth/authorize?response_type=code&client_id=notes-web&scope=openid",
            "/oauth/authorize?response_type=code&client_id=notes-web&scope=openid&redirect_uri=https%3A%2F%2Fnotes.example.com%2Fcallbackx",
            "/oauth/authorize?response_type=code&client_id=notes-web&scope=openid&redirect_uri=https%3A%2F%2Fnotes.example.com%2Fcallback%2F..%2Fevil",
            "/oauth/authorize?response_type=code&client_id=notes-web&scope=openid&redirect_uri=https%3A%2F%2Fevil.example%2Fcallback",
            "/oauth/authorize?response_type=code&client_id=notes-web&scope=openid&redirect_uri=HTTPS%3A%2F%2Fnotes.example.com%2Fcallback",
            "/oauth/authorize?client_id=notes-web&client_id=reader&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fnotes.example.com%2Fcallback",
        ])
    func untrustedRequests(path: String) async throws {
        try await Self.withProvider { stack in
            let page = try await stack.browser().get(path)
            #expect(page.status == .badRequest)
            #expect(page.location == nil)
            #expect(page.body.contains("This sign-in link is not valid"))
        }
    }

    @Test("a request with a trusted redirect URI but a bad parameter gets the RFC's error there, with state and iss")
    func refusalsGoToTheClient() async throws {
        try await Self.withProvider { stack in
            let cases: [(String, String)] = [
                (
                    Self.authorizePath(extra: []).replacingOccurrences(
                        of: "response_type=code", with: "response_type=token"),
                    "unsupported_response_type"
                ),
                (Self.authorizePath(scope: "profile"), "invalid_scope"),
                (Self.authorizePath(scope: "openid admin"), "invalid_scope"),
                (Self.authorizePath(client: Self.limited, scope: "openid phone"), "invalid_scope"),
                (Self.authorizePath(client: Self.app), "invalid_request"),  // a public client without PKCE
                (
                    Self.authorizePath(extra: [
                        ("code_challenge", String(repeating: "a", count: 43)), ("code_challenge_method", "plain"),
                    ]),
                    "invalid_request"
                ),
                (
                    Self.authorizePath(extra: [("code_challenge", "short"), ("code_challenge_method", "S256")]),
                    "invalid_request"
                ),
                (Self.authorizePath(extra: [("request", "eyJ")]), "request_not_supported"),
                (Self.authorizePath(extra: [("max_age", "soon")]), "invalid_request"),
                (Self.authorizePath(extra: [("prompt", "none login")]), "invalid_request"),
                (Self.authorizePath(extra: [("response_mode", "fragment")]), "invalid_request"),
            ]
            for (path, error) in cases {
                let page = try await stack.browser().get(path)
                #expect(page.status == .found, "\(path)")
                let query = try Self.query(page.location)
                #expect(query["error"] == error, "\(path): \(query)")
                #expect(query["state"] == "state-123" && query["iss"] == Self.issuer)
                #expect(query["error_description"]?.isEmpty == false)
                #expect(query["code"] == nil)
            }
        }
    }

    @Test("the token endpoint refuses with the RFC's errors: client, PKCE, redirect URI, expiry, grant type")
    func tokenEndpointRefusals() async throws {
        try await Self.withProvider { stack in
            try await stack.browser().register("carol", confirming: false)
            let verifier = String(repeating: "v", count: 50)
            let challenge = Base64URL.encode(SHA256.hash(data: Data(verifier.utf8)))
            // one sign-in; every code after it by single sign-on
            let browser = stack.browser()
            _ = try await browser.login("carol")
            func code(_ client: OAuthClient = Self.web, challenge: String? = nil) async throws -> String {
                let answer = try await browser.get(
                    Self.authorizePath(
                        client: client, scope: client == Self.limited ? "openid" : "openid profile",
                        challenge: challenge))
                return try #require(
                    try Self.query(answer.location)["code"], "\(answer.status) \(answer.location ?? answer.body)")
            }
            func expect(
                _ fields: [(String, String)], basic: (String, String)? = (Self.web.id, Self.secret),
                contentType: String? = nil, status: HTTPResponse.Status = .badRequest, _ error: String
            ) async throws {
                let (answer, body, headers) = try await Self.tokenRequest(
                    stack, fields, basic: basic, contentType: contentType)
                #expect(answer == status, "\(fields): \(body)")
                #expect(body["error"] as? String == error, "\(fields): \(body)")
                #expect((body["error_description"] as? String)?.isEmpty == false)
                if error == "invalid_client" { #expect(headers[.wwwAuthenticate]?.hasPrefix("Basic") == true) }
            }
            let grant: (String) -> [(String, String)] = {
                [("grant_type", "authorization_code"), ("code", $0), ("redirect_uri", Self.webCallback)]
            }
            try await expect(
                grant(try await code()), basic: (Self.web.id, "wrong-secret"), status: .unauthorized, "invalid_client")
            try await expect(
                grant(try await code()), basic: ("nobody", Self.secret), status: .unauthorized, "invalid_client")
            try await expect(grant(try await code()), basic: nil, status: .unauthorized, "invalid_client")
            try await expect(
                grant(try await code()) + [("client_secret", Self.secret)], "invalid_request")
            try await expect(grant(try await code()), contentType: "application/json", "invalid_request")
            try await expect([("grant_type", "password")], "unsupported_grant_type")
            try await expect([("code", "x")], "invalid_request")
            try await expect(grant("not-a-code"), "invalid_grant")
            // the redirect URI must repeat the request's
            try await expect(
                [
                    ("grant_type", "authorization_code"), ("code", try await code()),
                    ("redirect_uri", "https://notes.example.com/other"),
                ],
                "invalid_grant")
            // another client's code
            try await expect(grant(try await code(Self.limited)), "invalid_grant")
            // PKCE: missing, wrong, and a verifier where no challenge was sent (a downgrade)
            try await expect(grant(try await code(challenge: challenge)), "invalid_grant")
            try await expect(
                grant(try await code(challenge: challenge)) + [("code_verifier", String(repeating: "w", count: 50))],
                "invalid_grant")
            try await expect(grant(try await code()) + [("code_verifier", verifier)], "invalid_grant")
            // and right, it works
            let (ok, _, _) = try await Self.tokenRequest(
                stack, grant(try await code(challenge: challenge)) + [("code_verifier", verifier)],
                basic: (Self.web.id, Self.secret))
            #expect(ok == .ok)
            // a code lives a minute
            let late = try await code()
            stack.tokenClock.advance(61)
            try await expect(grant(late), "invalid_grant")
            // refresh tokens only for a client allowed offline_access
            try await expect(
                [("grant_type", "refresh_token"), ("refresh_token", "x")], basic: (Self.limited.id, Self.secret),
                "unauthorized_client")
            // a token from the JSON API is no OpenID Connect token for userinfo
            let apiToken = try await stack.signUp("dave")
            let (status, body) = try await Self.userinfo(stack, apiToken)
            #expect(status == .forbidden && body["error"] as? String == "insufficient_scope")
        }
    }

    @Test("a client that registered ES256 gets ID tokens signed with the access tokens' ES256 key")
    func es256IDTokens() async throws {
        let folder = try AsymmetricTests.keysDirectory([
            ("access-1", P256.Signing.PrivateKey().pemRepresentation, Date())
        ])
        var client = Self.web
        client.idTokenAlgorithm = .es256
        let keys = try OpenIDSettings.temporaryRSAKeys()
        try await withAccounts(configure: { [client] configuration in
            configuration.signingAlgorithm = .es256
            configuration.signingKeys = try? SigningKeySet.load(directory: folder, algorithm: .es256)
            configuration.openID = OpenIDSettings(issuer: Self.issuer, fileClients: [client], idTokenKeys: keys)
        }) { stack in
            try await stack.browser().register("ivan", confirming: false)
            let code = try await Self.signInForCode(stack.browser(), Self.authorizePath(), login: "ivan")
            let (status, tokens, _) = try await Self.tokenRequest(
                stack, [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.webCallback)],
                basic: (Self.web.id, Self.secret))
            #expect(status == .ok)
            let idToken = try #require(tokens["id_token"] as? String)
            let header =
                try JSONSerialization.jsonObject(
                    with: Data(try #require(Base64URL.decode(idToken.split(separator: ".")[0])))) as? [String: Any]
            #expect(header?["alg"] as? String == "ES256" && header?["kid"] as? String == "access-1")
            #expect(try await Self.idClaims(stack, idToken).person.preferredUsername == "ivan")
            let (_, document, _) = try await stack.json(.get, "/.well-known/openid-configuration")
            #expect(document["id_token_signing_alg_values_supported"] as? [String] == ["RS256", "ES256"])
        }
    }

    @Test("discovery names this issuer's endpoints, and what it supports")
    func discovery() async throws {
        try await Self.withProvider { stack in
            let (status, document, headers) = try await stack.json(.get, "/.well-known/openid-configuration")
            #expect(status == .ok && headers[.cacheControl] == "public, max-age=300")
            #expect(document["issuer"] as? String == Self.issuer)
            #expect(document["authorization_endpoint"] as? String == Self.issuer + "/oauth/authorize")
            #expect(document["token_endpoint"] as? String == Self.issuer + "/oauth/token")
            #expect(document["jwks_uri"] as? String == Self.issuer + "/.well-known/jwks.json")
            #expect(document["code_challenge_methods_supported"] as? [String] == ["S256"])
            #expect(document["response_types_supported"] as? [String] == ["code"])
            #expect(document["id_token_signing_alg_values_supported"] as? [String] == ["RS256"])
            #expect(document["authorization_response_iss_parameter_supported"] as? Bool == true)
        }
        // off without clients
        try await withAccounts(configure: { _ in }) { stack in
            let (status, _, _) = try await stack.json(.get, "/.well-known/openid-configuration")
            #expect(status == .notFound)
            let page = try await stack.browser().get("/oauth/authorize?client_id=x")
            #expect(page.status == .notFound)
        }
    }
}
