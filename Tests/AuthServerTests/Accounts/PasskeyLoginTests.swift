import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VerifyEmulator
import VerifyEmulatorTesting
import VerifyWire

@testable import AuthServer

/// Passkeys through Verify Passkeys on the emulator, with ``SoftwareAuthenticator`` as the
/// browser's authenticator: registration from a signed-in account, usernameless sign-in, and the
/// refusals (a tampered assertion, a removed passkey, junk instead of a credential).
@Suite("Auth server: passkeys")
struct PasskeyLoginTests {
    /// Development mode's relying party: `localhost`, and the origin of its default port.
    static let origin = "http://localhost:8000"

    func raw(
        _ stack: Stack, _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil, token: String? = nil
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        let (status, json, _) = try await stack.json(method, path, body, token: token)
        return (status, json)
    }

    static func encode(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// Registers `name` and a passkey; returns the token, the authenticator and its user handle.
    func signUpWithPasskey(_ stack: Stack, _ name: String) async throws -> (String, SoftwareAuthenticator, String) {
        _ = try await stack.json(
            .post, "/api/accounts/register",
            #"{"username": "\#(name)", "email": "\#(name)@example.com", "password": "correct-horse-battery"}"#)
        let (_, tokens, _) = try await stack.json(
            .post, "/api/accounts/login", #"{"login": "\#(name)", "password": "correct-horse-battery"}"#)
        let token = try #require(tokens["access_token"] as? String)
        let (status, creation) = try await raw(
            stack, .post, "/api/accounts/passkeys/options", #"{"current_password": "correct-horse-battery"}"#,
            token: token)
        #expect(status == .ok)
        let options = try #require(creation["options"] as? [String: Any])
        let publicKey = try #require(options["publicKey"] as? [String: Any])
        // WebAuthn's own spelling, not the snake_case of the other bodies
        #expect(publicKey["pubKeyCredParams"] != nil && publicKey["authenticatorSelection"] != nil)
        #expect((publicKey["rp"] as? [String: Any])?["id"] as? String == "localhost")
        let userHandle = try #require((publicKey["user"] as? [String: Any])?["id"] as? String)
        let authenticator = SoftwareAuthenticator()
        let registration = authenticator.register(options: options, origin: Self.origin)
        let (added, list) = try await raw(
            stack, .post, "/api/accounts/passkeys", try Self.encode(registration), token: token)
        #expect(added == .created)
        #expect((list["passkeys"] as? [[String: Any]])?.count == 1)
        #expect(list["added"] as? String == creation["factor_sid"] as? String)
        return (token, authenticator, userHandle)
    }

    func signIn(
        _ stack: Stack, _ authenticator: SoftwareAuthenticator, userHandle: String, tamper: Bool = false
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        let (_, request) = try await raw(stack, .post, "/api/accounts/login/passkey/options", "{}")
        let options = try #require(request["options"] as? [String: Any])
        #expect((request["challenge_sid"] as? String)?.hasPrefix("YC") == true)
        let assertion = try authenticator.assert(
            options: options, origin: Self.origin, userHandle: userHandle, tamper: tamper)
        return try await raw(stack, .post, "/api/accounts/login/passkey", try Self.encode(assertion))
    }

    @Test("register a passkey, sign in with it without a username; a tampered or junk assertion is refused")
    func registerAndSignIn() async throws {
        try await withAccounts { stack in
            let (token, authenticator, userHandle) = try await signUpWithPasskey(stack, "fern")
            let (ok, tokens) = try await signIn(stack, authenticator, userHandle: userHandle)
            #expect(ok == .ok && tokens["username"] as? String == "fern")
            let access = try #require(tokens["access_token"] as? String)
            #expect(try await stack.json(.get, "/api/auth/protected", token: access).0 == .ok)

            let (tampered, tamperedBody) = try await signIn(stack, authenticator, userHandle: userHandle, tamper: true)
            #expect(tampered == .badRequest)
            #expect((tamperedBody["message"] as? String)?.contains("not accepted") == true)
            let (junk, junkBody) = try await raw(stack, .post, "/api/accounts/login/passkey", #"{"id": 5}"#)
            #expect(junk == .badRequest)
            #expect((junkBody["message"] as? String)?.contains("PublicKeyCredential") == true)
            let (junkRegistration, _) = try await raw(
                stack, .post, "/api/accounts/passkeys", #"{"id": "x", "type": "public-key", "response": {}}"#,
                token: token)
            #expect(junkRegistration == .badRequest)
        }
    }

    @Test("a removed passkey signs nobody in, and is gone from Verify too")
    func remove() async throws {
        try await withAccounts { stack in
            let (token, authenticator, userHandle) = try await signUpWithPasskey(stack, "gwen")
            let (_, list) = try await raw(stack, .get, "/api/accounts/passkeys", token: token)
            let sid = try #require((list["passkeys"] as? [[String: Any]])?.first?["factor_sid"] as? String)
            let (unknown, _) = try await raw(
                stack, .delete, "/api/accounts/passkeys/YF" + String(repeating: "0", count: 32), token: token)
            #expect(unknown == .notFound)
            let (unproved, _) = try await raw(stack, .delete, "/api/accounts/passkeys/\(sid)", token: token)
            #expect(unproved == .forbidden)
            let (removed, after) = try await raw(
                stack, .delete, "/api/accounts/passkeys/\(sid)", #"{"current_password": "correct-horse-battery"}"#,
                token: token)
            #expect(removed == .ok && (after["passkeys"] as? [Any])?.isEmpty == true)
            let (refused, _) = try await signIn(stack, authenticator, userHandle: userHandle)
            #expect(refused == .badRequest)
        }
    }

    @Test("off without a relying party: 404 naming the settings")
    func off() async throws {
        try await withAccounts(configure: { $0.passkeysRelyingParty = nil }) { stack in
            let (status, body) = try await raw(stack, .post, "/api/accounts/login/passkey/options", "{}")
            #expect(status == .notFound)
            #expect((body["message"] as? String)?.contains("PASSKEYS_RP_ID") == true)
            #expect(!(try await stack.browser().get("/login").body.contains("passkey-login")))
        }
    }

    @Test("the relying party settings: development defaults, and one clear error for each mistake")
    func settings() throws {
        let development = try AuthConfiguration.fromEnvironment(["PORT": "8123"])
        #expect(
            development.passkeysRelyingParty
                == .init(id: "localhost", name: "Auth Server", origins: ["http://localhost:8123"]))
        let production = [
            "TWILIO_ACCOUNT_SID": "AC" + String(repeating: "1", count: 32), "TWILIO_AUTH_TOKEN": "token",
            "TWILIO_VERIFY_SERVICE_SID": "VA" + String(repeating: "1", count: 32), "SECRET_KEY": secret,
        ]
        #expect(try AuthConfiguration.fromEnvironment(production).passkeysRelyingParty == nil)
        let configured = try AuthConfiguration.fromEnvironment(
            production.merging([
                "PASSKEYS_RP_ID": "example.com", "PASSKEYS_ORIGINS": "https://example.com, https://login.example.com",
            ]) { a, _ in a })
        #expect(configured.passkeysRelyingParty?.origins == ["https://example.com", "https://login.example.com"])
        let mistakes: [([String: String], String)] = [
            (["PASSKEYS_RP_ID": "https://example.com", "PASSKEYS_ORIGINS": "https://example.com"], "PASSKEYS_RP_ID"),
            (["PASSKEYS_RP_ID": "example.com"], "PASSKEYS_ORIGINS"),
            (["PASSKEYS_ORIGINS": "https://example.com"], "PASSKEYS_RP_ID"),
            (["PASSKEYS_RP_ID": "example.com", "PASSKEYS_ORIGINS": "https://evil.net"], "PASSKEYS_ORIGINS"),
            (["PASSKEYS_RP_ID": "example.com", "PASSKEYS_ORIGINS": "https://example.com/login"], "PASSKEYS_ORIGINS"),
        ]
        for (settings, named) in mistakes {
            #expect(throws: AuthConfiguration.Invalid.self) {
                try AuthConfiguration.fromEnvironment(production.merging(settings) { a, _ in a })
            }
            do {
                _ = try AuthConfiguration.fromEnvironment(production.merging(settings) { a, _ in a })
            } catch {
                #expect(error.setting == named, "\(settings)")
            }
        }
    }

    @Test("the pages: add a passkey from the profile and sign in with it from the login page")
    func pages() async throws {
        try await withAccounts { stack in
            let browser = stack.browser()
            let profile = try await browser.register("hana")
            #expect(profile.body.contains(#"id="add-passkey""#) && profile.body.contains("/static/passkeys.js"))
            let optionsPage = try await browser.post("/profile/passkeys/options")
            let optionsBody = try JSONSerialization.jsonObject(with: Data(optionsPage.body.utf8)) as? [String: Any]
            let options = try #require(optionsBody?["options"] as? [String: Any])
            let userHandle = try #require(
                ((options["publicKey"] as? [String: Any])?["user"] as? [String: Any])?["id"] as? String)
            let authenticator = SoftwareAuthenticator()
            let added = try await browser.post(
                "/profile/passkeys",
                ["credential": try Self.encode(authenticator.register(options: options, origin: Self.origin))])
            #expect(added.status == .ok && added.body == #"{"location":"/profile"}"#)
            let after = try await browser.get("/profile")
            #expect(
                after.body.contains("Passkey added: next time") && after.body.contains(#"id="passkeys">"#)
                    && after.body.contains("<li>Passkey added "))

            let visitor = stack.browser()
            let login = try await visitor.get("/login")
            #expect(login.body.contains(#"id="passkey-login""#))
            let requestPage = try await visitor.post("/login/passkey/options")
            let requestBody = try JSONSerialization.jsonObject(with: Data(requestPage.body.utf8)) as? [String: Any]
            let request = try #require(requestBody?["options"] as? [String: Any])
            let assertion = try authenticator.assert(options: request, origin: Self.origin, userHandle: userHandle)
            let signedIn = try await visitor.post("/login/passkey", ["credential": try Self.encode(assertion)])
            #expect(signedIn.status == .ok && signedIn.body == #"{"location":"/profile"}"#)
            #expect(try await visitor.get("/profile").body.contains("<h1>hana</h1>"))

            // an assertion for a challenge another browser asked for does not sign this one in
            let other = stack.browser()
            _ = try await other.get("/login")
            _ = try await other.post("/login/passkey/options")
            let (_, foreign) = try await raw(stack, .post, "/api/accounts/login/passkey/options", "{}")
            let stolen = try authenticator.assert(
                options: try #require(foreign["options"] as? [String: Any]), origin: Self.origin, userHandle: userHandle
            )
            let refused = try await other.post("/login/passkey", ["credential": try Self.encode(stolen)])
            #expect(refused.status == .badRequest)
            #expect(try await other.get("/profile").location == "/login")
        }
    }
}
