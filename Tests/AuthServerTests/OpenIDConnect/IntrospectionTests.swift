import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VerifyWire

@testable import AuthServer

@Suite("Auth server: OpenID Connect introspection, revocation and RP-initiated logout")
struct IntrospectionTests {
    typealias Flow = AuthorizationFlowTests

    /// A signed-in browser and the tokens of one code exchange for the web client.
    static func tokens(
        _ stack: Stack, login: String
    ) async throws -> (Browser, access: String, refresh: String, id: String) {
        try await stack.browser().register(login, confirming: false)
        let browser = stack.browser()
        let code = try await Flow.signInForCode(browser, Flow.authorizePath(), login: login)
        let (status, tokens, _) = try await Flow.tokenRequest(
            stack, [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Flow.webCallback)],
            basic: (Flow.web.id, Flow.secret))
        #expect(status == .ok)
        return (
            browser, try #require(tokens["access_token"] as? String), try #require(tokens["refresh_token"] as? String),
            try #require(tokens["id_token"] as? String)
        )
    }

    static func introspect(
        _ stack: Stack, _ token: String, basic: (String, String)? = (Flow.web.id, Flow.secret),
        fields: [(String, String)] = []
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        let (status, body, _) = try await Flow.tokenRequest(
            stack, [("token", token)] + fields, basic: basic, path: "/oauth/introspect")
        return (status, body)
    }

    @Test("introspection: active with its claims, inactive at once after revocation, logout or a password change")
    func introspection() async throws {
        try await Flow.withProvider { stack in
            let (browser, access, refresh, _) = try await Self.tokens(stack, login: "erin")
            let (status, answer) = try await Self.introspect(stack, access)
            #expect(status == .ok)
            #expect(answer["active"] as? Bool == true && answer["token_type"] as? String == "access_token")
            #expect(answer["client_id"] as? String == Flow.web.id && answer["username"] as? String == "erin")
            #expect(answer["scope"] as? String == "openid profile email phone offline_access")
            #expect((answer["sub"] as? String)?.hasPrefix("US") == true && answer["exp"] is Int)
            let (_, refreshAnswer) = try await Self.introspect(stack, refresh)
            #expect(
                refreshAnswer["active"] as? Bool == true && refreshAnswer["token_type"] as? String == "refresh_token")
            // another client does not learn of this client's refresh token
            #expect(
                try await Self.introspect(stack, refresh, basic: (Flow.limited.id, Flow.secret)).1["active"] as? Bool
                    == false)
            // unknown and garbage tokens are simply inactive, with nothing else said
            for token in ["nope", "a.b.c", String(repeating: "x", count: 300)] {
                let (garbage, inactive) = try await Self.introspect(stack, token)
                #expect(garbage == .ok && inactive.count == 1 && inactive["active"] as? Bool == false)
            }
            // client authentication is required, and a public client cannot introspect
            #expect(try await Self.introspect(stack, access, basic: nil).0 == .unauthorized)
            #expect(try await Self.introspect(stack, access, basic: (Flow.web.id, "wrong")).0 == .unauthorized)
            #expect(
                try await Self.introspect(stack, access, basic: nil, fields: [("client_id", Flow.app.id)]).0
                    == .unauthorized)

            // a password change voids every earlier token at once
            _ = try await browser.get("/profile/password")
            try await browser.confirmPassword()
            let changed = try await browser.post(
                "/profile/password",
                [
                    "current_password": "correct-horse-battery", "password": "another-horse-battery",
                    "password_confirmation": "another-horse-battery",
                ])
            #expect(changed.status == .seeOther, "\(changed.body)")
            stack.tokenClock.advance(1)
            #expect(try await Self.introspect(stack, access).1["active"] as? Bool == false)
            #expect(try await Self.introspect(stack, refresh).1["active"] as? Bool == false)
        }
    }

    @Test("revocation: a refresh token ends its session and its access tokens; another client's token is left alone")
    func revocation() async throws {
        try await Flow.withProvider { stack in
            let (_, access, refresh, _) = try await Self.tokens(stack, login: "frank")
            func revoke(_ token: String, _ basic: (String, String)) async throws -> HTTPResponse.Status {
                try await Flow.tokenRequest(stack, [("token", token)], basic: basic, path: "/oauth/revoke").0
            }
            // another client cannot revoke it: answered 200 all the same (RFC 7009 §2.2)
            #expect(try await revoke(refresh, (Flow.limited.id, Flow.secret)) == .ok)
            #expect(try await Self.introspect(stack, refresh).1["active"] as? Bool == true)
            #expect(try await revoke("unknown-token", (Flow.web.id, Flow.secret)) == .ok)
            #expect(try await revoke(refresh, (Flow.web.id, "wrong")) == .unauthorized)
            #expect(try await revoke(refresh, (Flow.web.id, Flow.secret)) == .ok)
            #expect(try await Self.introspect(stack, refresh).1["active"] as? Bool == false)
            #expect(try await Self.introspect(stack, access).1["active"] as? Bool == false)
            #expect(try await Flow.userinfo(stack, access).0 == .unauthorized)

            // an access token alone
            let (_, second, secondRefresh, _) = try await Self.tokens(stack, login: "grace")
            #expect(try await revoke(second, (Flow.web.id, Flow.secret)) == .ok)
            #expect(try await Self.introspect(stack, second).1["active"] as? Bool == false)
            #expect(try await Self.introspect(stack, secondRefresh).1["active"] as? Bool == true)
        }
    }

    @Test(
        "RP-initiated logout: with the ID token at once and back to a registered URI; without it, the person confirms")
    func endSession() async throws {
        let logout = OAuthClient(
            id: "notes-web", name: "Notes", authentication: .plainSecret(Flow.secret), redirectURIs: [Flow.webCallback],
            postLogoutRedirectURIs: ["https://notes.example.com/bye"], scopes: Set(OAuthScope.allCases),
            idTokenAlgorithm: .rs256)
        let keys = try OpenIDSettings.temporaryRSAKeys()
        try await withAccounts(configure: { configuration in
            configuration.openID = OpenIDSettings(
                issuer: Flow.issuer, fileClients: [logout, Flow.limited], idTokenKeys: keys)
        }) { stack in
            let (browser, _, _, idToken) = try await Self.tokens(stack, login: "heidi")
            // a URI not registered is never redirected to, even with the ID token
            let refused = try await browser.get(
                "/oauth/logout?id_token_hint=\(idToken)&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F")
            #expect(refused.status == .badRequest && refused.location == nil)
            #expect(try await browser.get("/profile").status == .ok)

            let out = try await browser.get(
                "/oauth/logout?id_token_hint=\(idToken)&post_logout_redirect_uri=https%3A%2F%2Fnotes.example.com%2Fbye&state=s1"
            )
            #expect(out.status == .found && out.location == "https://notes.example.com/bye?state=s1")
            #expect(try await browser.get("/profile").location == "/login")

            // without a hint: a page asks first; a link alone signs no one out
            _ = try await browser.login("heidi")
            let asked = try await browser.get(
                "/oauth/logout?client_id=notes-web&post_logout_redirect_uri=https%3A%2F%2Fnotes.example.com%2Fbye")
            #expect(asked.status == .ok && asked.body.contains(#"id="sign-out""#))
            #expect(asked.body.contains("<strong>Notes</strong> asks to sign you out"))
            #expect(try await browser.get("/profile").status == .ok)
            let confirmed = try await browser.post(
                "/oauth/logout",
                ["client_id": "notes-web", "post_logout_redirect_uri": "https://notes.example.com/bye", "state": "s2"])
            #expect(confirmed.status == .ok)
            #expect(confirmed.body.contains(#"content="0;url=https://notes.example.com/bye?state=s2""#))
            #expect(try await browser.get("/profile").location == "/login")
            // a forged ID token is no hint
            _ = try await browser.login("heidi")
            let parts = idToken.split(separator: ".")
            let forged = "\(parts[0]).\(parts[1]).\(String(repeating: "A", count: parts[2].count))"
            let notHint = try await browser.get("/oauth/logout?id_token_hint=\(forged)")
            #expect(notHint.status == .ok && notHint.body.contains(#"id="sign-out""#))
        }
    }
}
