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

    /// Claim checks run after the signature is verified, in ``TokenService/verify(_:)``, so each
    /// refusal can say exactly why.
    func verify(using algorithm: some JWTAlgorithm) throws {}
}
