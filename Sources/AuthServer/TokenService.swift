import JWTKit
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The claims of an access token. `sub` is the E.164 phone number.
struct AccessClaims: JWTPayload, Equatable {
    var sub: SubjectClaim
    var iat: IssuedAtClaim
    var nbf: NotBeforeClaim
    var exp: ExpirationClaim
    var jti: IDClaim
    var type: String
    /// The refresh-token family this access token belongs to (revoked together at logout).
    var fid: String?
    var iss: IssuerClaim?
    var aud: AudienceClaim?

    /// Claim checks run after the signature is verified, in ``TokenService/verify(_:)``, so each
    /// refusal can say exactly why.
    func verify(using algorithm: some JWTAlgorithm) throws {}
}

/// Why a bearer token was refused; `message` is the `msg` the client sees, as
/// flask-jwt-extended words it.
public struct TokenRefusal: Error, Sendable, Equatable {
    public var message: String
}

/// Signs and verifies access tokens: HS256 with the configured secret and key id `hs256-1`.
/// Verification accepts only that algorithm, `typ` JWT and that key id, whatever the token's
/// header claims: the header is checked before jwt-kit sees the token, so jwt-kit can neither
/// pick another algorithm from it nor fall back to a default key.
struct TokenService: Sendable {
    static let keyID = "hs256-1"
    let keys: JWTKeyCollection
    let lifetime: Duration
    let issuer: String?
    let audience: String?
    let now: @Sendable () -> Date
    /// Tokens whose signature and header already verified, by their exact text. Clients send
    /// the same token on every request, and jwt-kit's key collection is an actor every
    /// verification queues on; a hit skips only the signature work: expiry, not-before, type,
    /// issuer, audience (and revocation, by the caller) are checked on every request.
    private let verified = VerifiedTokens()

    init(configuration: AuthConfiguration, now: @escaping @Sendable () -> Date) async {
        let keys = JWTKeyCollection()
        await keys.add(
            hmac: HMACKey(from: configuration.secretKey), digestAlgorithm: .sha256,
            kid: JWKIdentifier(string: Self.keyID))
        self.keys = keys
        self.lifetime = configuration.accessTokenLifetime
        self.issuer = configuration.issuer
        self.audience = configuration.audience
        self.now = now
    }

    /// A signed access token for `phone`, and its expiry.
    func issueAccessToken(for phone: String, family: String?) async throws -> (token: String, expiresAt: Date) {
        let issuedAt = Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down))
        let expiresAt = issuedAt.addingTimeInterval(Double(lifetime.components.seconds))
        let claims = AccessClaims(
            sub: .init(value: phone), iat: .init(value: issuedAt), nbf: .init(value: issuedAt),
            exp: .init(value: expiresAt), jti: .init(value: UUID().uuidString), type: "access", fid: family,
            iss: issuer.map { .init(value: $0) }, aud: audience.map { .init(value: [$0]) })
        var header = JWTHeader()
        header.typ = "JWT"
        header.alg = "HS256"
        let token = try await keys.sign(claims, kid: JWKIdentifier(string: Self.keyID), header: header)
        return (token, expiresAt)
    }

    struct Header: Decodable {
        var alg: String?
        var typ: String?
        var kid: String?
    }

    /// The claims of a valid access token, or why it is refused.
    func verify(_ token: String) async throws(TokenRefusal) -> AccessClaims {
        if let claims = verified.claims(for: token) {
            try checkClaims(claims)
            return claims
        }
        let claims = try await verifySignature(token)
        try checkClaims(claims)
        verified.remember(token, claims)
        return claims
    }

    private func verifySignature(_ token: String) async throws(TokenRefusal) -> AccessClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw TokenRefusal(message: "Not enough segments") }
        guard let headerData = Self.base64URLDecode(parts[0]),
            let header = try? JSONDecoder().decode(Header.self, from: headerData)
        else { throw TokenRefusal(message: "Invalid header string") }
        guard header.alg == "HS256" else { throw TokenRefusal(message: "The specified alg value is not allowed") }
        guard header.typ == nil || header.typ == "JWT" else { throw TokenRefusal(message: "Invalid token type header") }
        guard header.kid == Self.keyID else { throw TokenRefusal(message: "Unknown signing key") }
        let claims: AccessClaims
        do {
            claims = try await keys.verify(token, as: AccessClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw TokenRefusal(message: "Signature verification failed")
        } catch {
            throw TokenRefusal(message: "Invalid token")
        }
        return claims
    }

    private func checkClaims(_ claims: AccessClaims) throws(TokenRefusal) {
        let current = now()
        guard claims.exp.value > current else { throw TokenRefusal(message: "Token has expired") }
        guard claims.nbf.value <= current.addingTimeInterval(1) else {
            throw TokenRefusal(message: "The token is not yet valid (nbf)")
        }
        guard claims.type == "access" else { throw TokenRefusal(message: "Only non-refresh tokens are allowed") }
        if let issuer, claims.iss?.value != issuer { throw TokenRefusal(message: "Invalid issuer") }
        if let audience, !(claims.aud?.value.contains(audience) ?? false) {
            throw TokenRefusal(message: "Invalid audience")
        }
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = String(text).replacing("-", with: "+").replacing("_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64)
    }
}

/// A bounded map of verified token texts to their claims (emptied when full).
final class VerifiedTokens: Sendable {
    private let cache = Mutex<[String: AccessClaims]>([:])
    let limit = 10_000

    func claims(for token: String) -> AccessClaims? {
        cache.withLock { $0[token] }
    }

    func remember(_ token: String, _ claims: AccessClaims) {
        cache.withLock { cache in
            if cache.count >= limit { cache.removeAll(keepingCapacity: true) }
            cache[token] = claims
        }
    }
}
