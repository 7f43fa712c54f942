import Crypto
import JWTKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An ID token's claims (OpenID Connect Core §2): who signed in, for which client, when and how,
/// and the person's claims the scopes allow.
struct IDTokenClaims: JWTPayload, Equatable {
    var iss: String
    var aud: String
    var exp: Int
    var iat: Int
    /// When the person signed in (seconds since 1970).
    var authTime: Int
    var nonce: String?
    /// RFC 8176 method references: `pwd`, `otp`, `sms`, `hwk`, `swk`, `mfa`.
    var amr: [String]
    var person: PersonClaims

    enum CodingKeys: String, CodingKey {
        case iss, aud, exp, iat, nonce, amr
        case authTime = "auth_time"
    }

    init(
        iss: String, aud: String, exp: Int, iat: Int, authTime: Int, nonce: String?, amr: [String],
        person: PersonClaims
    ) {
        self.iss = iss
        self.aud = aud
        self.exp = exp
        self.iat = iat
        self.authTime = authTime
        self.nonce = nonce
        self.amr = amr
        self.person = person
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iss = try container.decode(String.self, forKey: .iss)
        aud = try container.decode(String.self, forKey: .aud)
        exp = try container.decode(Int.self, forKey: .exp)
        iat = try container.decode(Int.self, forKey: .iat)
        authTime = try container.decode(Int.self, forKey: .authTime)
        nonce = try container.decodeIfPresent(String.self, forKey: .nonce)
        amr = try container.decode([String].self, forKey: .amr)
        person = try PersonClaims(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try person.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(iss, forKey: .iss)
        try container.encode(aud, forKey: .aud)
        try container.encode(exp, forKey: .exp)
        try container.encode(iat, forKey: .iat)
        try container.encode(authTime, forKey: .authTime)
        try container.encodeIfPresent(nonce, forKey: .nonce)
        try container.encode(amr, forKey: .amr)
    }

    /// ID tokens are checked by their clients; this server only reads back its own
    /// (`id_token_hint`), where an expired one still names whom to log out.
    func verify(using algorithm: some JWTAlgorithm) throws {}
}

/// Signs ID tokens: RS256 with the current RSA key from `JWT_KEYS_DIR`, or with the access
/// tokens' ES256 / EdDSA key for a client that registered that algorithm.
struct IDTokenSigner: Sendable {
    let settings: OpenIDSettings
    private let keys: JWTKeyCollection
    private let accessKeys: SigningKeySet?

    init(settings: OpenIDSettings, accessKeys: SigningKeySet?) async throws {
        self.settings = settings
        self.accessKeys = accessKeys
        let keys = JWTKeyCollection()
        try await settings.idTokenKeys.add(to: keys)
        // a client may have its ID tokens signed with the access tokens' ES256 or EdDSA key
        try await accessKeys?.add(to: keys)
        self.keys = keys
    }

    /// A signed ID token for `client`.
    func sign(_ claims: IDTokenClaims, for client: OAuthClient) async throws -> String {
        let kid: String
        switch (client.idTokenAlgorithm, accessKeys) {
        case (.es256, let set?), (.eddsa, let set?): kid = set.current.kid
        default: kid = settings.idTokenKeys.current.kid
        }
        var header = JWTHeader()
        header.typ = "JWT"
        let token = try await keys.sign(claims, kid: JWKIdentifier(string: kid), header: header)
        return client.idTokenAlgorithm == .es256 ? CanonicalECDSA.canonicalToken(token) : token
    }

    /// The claims of an ID token this server issued (any of its keys, this issuer), expired or
    /// not: RP-initiated logout's `id_token_hint` names whom to sign out long after it expired.
    func read(_ token: String) async -> IDTokenClaims? {
        guard let claims = try? await keys.verify(token, as: IDTokenClaims.self), claims.iss == settings.issuer
        else { return nil }
        return claims
    }
}
