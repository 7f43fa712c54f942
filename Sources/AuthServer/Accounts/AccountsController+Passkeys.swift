import Hummingbird
import NIOCore
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Passkeys in the JSON API: register from a signed-in app (creation options, then the
/// credential), list and remove them, and sign in without a username (request options, then
/// the assertion). The credential and assertion bodies are the browser's (or the platform
/// API's) `PublicKeyCredential` JSON, unchanged.
extension AccountsController {
    func addPasskeyRoutes(to router: Router<AuthRequestContext>, signedIn: RouterGroup<AuthRequestContext>) {
        signedIn.post("/api/accounts/passkeys/options", use: passkeyCreationOptions)
        signedIn.post("/api/accounts/passkeys", use: registerPasskey)
        signedIn.get("/api/accounts/passkeys", use: listPasskeys)
        signedIn.delete("/api/accounts/passkeys/:sid", use: removePasskey)
        router.post("/api/accounts/login/passkey/options", use: passkeyRequestOptions)
        router.post("/api/accounts/login/passkey", use: passkeyLogin)
    }

    /// `{"factor_sid", "options": {"publicKey": …}}` for `navigator.credentials.create`, once the
    /// body proves it is the owner (`{"current_password"}` or `{"code", "method"}`).
    @Sendable func passkeyCreationOptions(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let (account, proof) = try await proofOfIdentity(request, context)
        let factor = try await service.startPasskeyRegistration(account, proof: proof, ip: ip(request, context))
        guard let options = factor.options else {
            throw FormErrors(message: "The verification service returned no creation options", status: .badGateway)
        }
        return try Self.withOptions(["factor_sid": factor.sid], options)
    }

    @Sendable func registerPasskey(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let factor = try await service.finishPasskeyRegistration(
            account, credential: try await JSONRequest.body(request))
        return try JSONResponse.make(
            PasskeyList(message: "Passkey added", passkeys: try await passkeys(account), added: factor.sid),
            status: .created)
    }

    @Sendable func listPasskeys(_ request: Request, context: AuthRequestContext) async throws -> Response {
        try JSONResponse.make(PasskeyList(passkeys: try await passkeys(try context.requireAccount())))
    }

    /// Removes a passkey once the body proves it is the owner, as adding one does.
    @Sendable func removePasskey(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let (account, proof) = try await proofOfIdentity(request, context)
        try await service.removePasskey(
            account, factorSid: try context.parameters.require("sid"), proof: proof, ip: ip(request, context))
        return try JSONResponse.make(PasskeyList(message: "Passkey removed", passkeys: try await passkeys(account)))
    }

    /// `{"challenge_sid", "options": {"publicKey": …}}` for `navigator.credentials.get`.
    @Sendable func passkeyRequestOptions(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let challenge = try await service.startPasskeySignIn()
        return try Self.withOptions(["challenge_sid": challenge.sid], challenge.options)
    }

    /// The assertion signs the account in: the same tokens as a password login.
    @Sendable func passkeyLogin(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let assertion = try await JSONRequest.body(request)
        let account = try await service.audit.observeLogin(.passkey, subjectOf: { $0.sid }) {
            try await service.finishPasskeySignIn(
                assertion: assertion, expectedChallenge: nil, ip: ip(request, context))
        }
        return try await issuer.startLogin(
            .account(sid: account.sid), message: "Login successful", username: account.username,
            client: client(request, context))
    }

    /// `{…fields, "options": {"publicKey": …}}` with the options exactly as WebAuthn spells them
    /// (camelCase: the snake_case of every other body would break them), uncached.
    static func withOptions(_ fields: [String: String], _ options: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var body = try encoder.encode(fields)
        body.removeLast()  // the closing brace: the options go in the same object
        body.append(contentsOf: Array(#","options":"#.utf8))
        body.append(try encoder.encode(options))
        body.append(UInt8(ascii: "}"))
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private func passkeys(_ account: UserAccount) async throws -> [PasskeyList.Item] {
        try await service.factors.passkeys(accountID: account.id).map {
            .init(
                factorSid: $0.factorSid, name: $0.name, createdAt: TwilioDate.format(epochSeconds: Int64($0.createdAt)))
        }
    }
}

struct PasskeyList: Encodable, Sendable {
    struct Item: Encodable, Sendable {
        var factorSid: String
        var name: String
        var createdAt: String
    }

    var message: String?
    var passkeys: [Item]
    var added: String?
}
