import JWTKit

/// The claims of an access token. `sub` is a ``TokenSubject``: an E.164 phone number or an
/// account sid.
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
    /// For a token issued to an OpenID Connect client: the scopes granted (space-separated) and
    /// the client (RFC 9068's `scope` and `client_id`); userinfo answers by these.
    var scope: String?
    var clientID: String?

    enum CodingKeys: String, CodingKey {
        case sub, iat, nbf, exp, jti, type, fid, iss, aud, scope
        case clientID = "client_id"
    }

    /// Claim checks run after the signature is verified, in ``TokenService/verify(_:)``, so each
    /// refusal can say exactly why.
    func verify(using algorithm: some JWTAlgorithm) throws {}
}
