import Crypto
import JWTKit
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Signs and verifies access tokens: HS256 with the configured secret (key id `hs256-1`), or
/// ES256 / EdDSA with a rotating key set (key id: the key's file name). Verification accepts only
/// the configured algorithm, `typ` JWT and a key id that is active now, whatever the token's
/// header claims: the header is checked before jwt-kit sees the token, so jwt-kit can neither
/// pick another algorithm from it nor fall back to a default key.
struct TokenService: Sendable {
    static let keyID = "hs256-1"
    let keys: JWTKeyCollection
    let algorithm: SigningAlgorithm
    let keySet: SigningKeySet?
    /// The OpenID Connect ID tokens' RSA keys, published beside the access tokens' keys.
    let idTokenKeys: SigningKeySet?
    let lifetime: Duration
    let issuer: String?
    let audience: String?
    let now: @Sendable () -> Date
    /// Tokens whose signature and header already verified, by their exact text. Clients send
    /// the same token on every request, and jwt-kit's key collection is an actor every
    /// verification queues on; a hit skips only the signature work: expiry, not-before, type,
    /// issuer, audience (and revocation, by the caller) are checked on every request.
    private let verified = VerifiedTokens()
    /// Header segments that passed every header check, so a token with a known one skips
    /// decoding its header (few: one per active key id, as this server writes them).
    private let knownHeaders = KnownHeaders()
    /// HS256's key already absorbed into an HMAC, copied for each token (its state is copied on
    /// write). Verified here with swift-crypto rather than through jwt-kit's actor, and not from
    /// the key each time: a token the cache does not know (a fresh one on each request, a client
    /// with many) then costs one HMAC over its text and one read of its claims.
    private let hmacPrototype: HMAC<SHA256>?

    init(configuration: AuthConfiguration, now: @escaping @Sendable () -> Date) async throws {
        let keys = JWTKeyCollection()
        switch (configuration.signingAlgorithm, configuration.signingKeys) {
        case (.es256, let set?), (.eddsa, let set?):
            try await set.add(to: keys)
        default:
            await keys.add(
                hmac: HMACKey(from: configuration.secretKey), digestAlgorithm: .sha256,
                kid: JWKIdentifier(string: Self.keyID))
        }
        self.keys = keys
        hmacPrototype =
            configuration.signingKeys == nil ? HMAC<SHA256>(key: SymmetricKey(data: configuration.secretKey)) : nil
        self.algorithm = configuration.signingKeys == nil ? .hs256 : configuration.signingAlgorithm
        self.keySet = configuration.signingKeys
        self.idTokenKeys = configuration.openID?.idTokenKeys
        self.lifetime = configuration.accessTokenLifetime
        self.issuer = configuration.issuer
        self.audience = configuration.audience
        self.now = now
    }

    /// A signed access token for `subject` (a ``TokenSubject`` claim), and its expiry; with
    /// `grant`, for an OpenID Connect client and the scopes it was granted.
    func issueAccessToken(
        for subject: String, family: String?, grant: (client: String, scope: String)? = nil
    ) async throws -> (token: String, expiresAt: Date) {
        let issuedAt = Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down))
        let expiresAt = issuedAt.addingTimeInterval(Double(lifetime.components.seconds))
        let claims = AccessClaims(
            sub: .init(value: subject), iat: .init(value: issuedAt), nbf: .init(value: issuedAt),
            exp: .init(value: expiresAt), jti: .init(value: UUID().uuidString), type: "access", fid: family,
            iss: issuer.map { .init(value: $0) }, aud: audience.map { .init(value: [$0]) }, scope: grant?.scope,
            clientID: grant?.client)
        var header = JWTHeader()
        header.typ = "JWT"
        header.alg = algorithm.rawValue
        let kid = keySet?.current.kid ?? Self.keyID
        let token = try await keys.sign(claims, kid: JWKIdentifier(string: kid), header: header)
        return (algorithm == .es256 ? CanonicalECDSA.canonicalToken(token) : token, expiresAt)
    }

    struct Header: Decodable {
        var alg: String?
        var typ: String?
        var kid: String?
        /// Extensions the issuer says must be understood (RFC 7515 4.1.11); we understand none.
        var crit: [String]?
        /// Only to tell "present" from "absent": a `crit` of any type is refused.
        var critPresent = false

        enum CodingKeys: String, CodingKey { case alg, typ, kid, crit }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            alg = try container.decodeIfPresent(String.self, forKey: .alg)
            typ = try container.decodeIfPresent(String.self, forKey: .typ)
            kid = try container.decodeIfPresent(String.self, forKey: .kid)
            crit = try? container.decodeIfPresent([String].self, forKey: .crit)
            critPresent = container.contains(.crit)
        }
    }

    /// The claims of a valid access token, or why it is refused.
    func verify(_ token: String) async throws(TokenRefusal) -> AccessClaims {
        if let (claims, kid) = verified.claims(for: token) {
            // a key retired by rotation takes its tokens with it, cached or not
            guard isActive(kid) else {
                throw TokenRefusal(.unknownKey, "Unknown signing key")
            }
            try checkClaims(claims)
            return claims
        }
        let (claims, kid) = try await verifySignature(token)
        try checkClaims(claims)
        verified.remember(token, claims, kid: kid)
        return claims
    }

    private func verifySignature(_ token: String) async throws(TokenRefusal) -> (AccessClaims, String) {
        // by bytes: `split` walks the token as Characters, a sixth of an uncached check
        let utf8 = token.utf8
        guard let firstDot = utf8.firstIndex(of: UInt8(ascii: ".")),
            let secondDot = utf8[utf8.index(after: firstDot)...].firstIndex(of: UInt8(ascii: ".")),
            !utf8[utf8.index(after: secondDot)...].contains(UInt8(ascii: "."))
        else { throw TokenRefusal(.malformed, "Not enough segments") }
        let header = token[..<firstDot]
        let payloadText = token[token.index(after: firstDot)..<secondDot]
        let signatureText = token[token.index(after: secondDot)...]
        let kid = try checkedHeader(header)
        // one signature has one text: unused trailing bits set, or an ES256 high-S twin, would
        // give a second token that verifies
        guard let signature = Base64URL.decode(signatureText), Base64URL.encode(signature) == signatureText,
            algorithm != .es256 || CanonicalECDSA.isCanonical(signature)
        else {
            throw TokenRefusal(.badSignature, "Non-canonical signature")
        }
        if var mac = hmacPrototype {
            // from the key's precomputed state: building HMAC from the key was a fifth of it
            let signed = utf8[..<secondDot]
            if signed.withContiguousStorageIfAvailable({ mac.update(data: UnsafeRawBufferPointer($0)) })
                == nil
            {
                mac.update(data: Array(signed))
            }
            // HashedAuthenticationCode's == against bytes compares in constant time
            guard mac.finalize() == signature else {
                throw TokenRefusal(.badSignature, "Signature verification failed")
            }
            guard let payload = Base64URL.decode(payloadText),
                let claims = ClaimsReader.read(payload)
                    ?? (try? Self.claimsDecoder.decode(AccessClaims.self, from: Data(payload)))
            else { throw TokenRefusal(.malformed, "Invalid token") }
            return (claims, kid)
        }
        let claims: AccessClaims
        do {
            claims = try await keys.verify(token, as: AccessClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw TokenRefusal(.badSignature, "Signature verification failed")
        } catch {
            throw TokenRefusal(.malformed, "Invalid token")
        }
        return (claims, kid)
    }

    /// Claims as jwt-kit reads them (dates in seconds since 1970).
    private static let claimsDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    /// The key id of a header that names the configured algorithm, `typ` JWT (or none), no
    /// `crit`, and a key active now; else the refusal saying which of these failed.
    private func checkedHeader(_ segment: Substring) throws(TokenRefusal) -> String {
        if let kid = knownHeaders.kid(of: segment), isActive(kid) { return kid }
        guard let headerData = Base64URL.decode(segment),
            let header = try? JSONDecoder().decode(Header.self, from: Data(headerData))
        else { throw TokenRefusal(.malformed, "Invalid header string") }
        guard header.alg == algorithm.rawValue else {
            throw TokenRefusal(.algorithmNotAllowed, "The specified alg value is not allowed")
        }
        guard header.typ == nil || header.typ == "JWT" else {
            throw TokenRefusal(.malformed, "Invalid token type header")
        }
        guard !header.critPresent else {
            throw TokenRefusal(
                .malformed, "Unsupported critical header: \((header.crit ?? []).joined(separator: ", "))")
        }
        guard let kid = header.kid, isActive(kid) else {
            throw TokenRefusal(.unknownKey, "Unknown signing key")
        }
        knownHeaders.remember(segment, kid: kid)
        return kid
    }

    /// Whether `kid` is accepted now; for HS256 without building the set on every request.
    func isActive(_ kid: String) -> Bool {
        keySet == nil ? kid == Self.keyID : activeKeyIDs().contains(kid)
    }

    /// Key ids accepted now: the HMAC key, or the key set's active keys.
    func activeKeyIDs() -> Set<String> {
        guard let keySet else { return [Self.keyID] }
        return Set(keySet.active(at: now(), lifetime: Double(lifetime.components.seconds)).map(\.kid))
    }

    /// `/.well-known/jwks.json`: the public halves of the active keys (none for HS256).
    func jwks() throws -> [[String: String]] {
        var published: [[String: String]] = []
        if let keySet {
            published += try keySet.active(at: now(), lifetime: Double(lifetime.components.seconds)).map {
                try keySet.jwk($0)
            }
        }
        if let idTokenKeys {
            published += try idTokenKeys.active(at: now(), lifetime: OpenIDSettings.idTokenLifetime).map {
                try idTokenKeys.jwk($0)
            }
        }
        return published
    }

    private func checkClaims(_ claims: AccessClaims) throws(TokenRefusal) {
        let current = now()
        guard claims.exp.value > current else { throw TokenRefusal(.expired, "Token has expired") }
        guard claims.nbf.value <= current.addingTimeInterval(1) else {
            throw TokenRefusal(.notYetValid, "The token is not yet valid (nbf)")
        }
        guard claims.type == "access" else { throw TokenRefusal(.wrongType, "Only non-refresh tokens are allowed") }
        if let issuer, claims.iss?.value != issuer { throw TokenRefusal(.wrongIssuer, "Invalid issuer") }
        if let audience, !(claims.aud?.value.contains(audience) ?? false) {
            throw TokenRefusal(.wrongAudience, "Invalid audience")
        }
    }

}
