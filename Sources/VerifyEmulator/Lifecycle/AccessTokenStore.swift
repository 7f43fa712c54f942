import GRDB
import VerifyWire

/// Access tokens for push enrolment: a backend mints one for an identity, its app hands it to
/// the Verify Push SDK, which creates the factor with it (see ``FactorStore/redeem``).
struct AccessTokenStore: Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock

    /// The default and the range of `Ttl`, in seconds.
    static let defaultTTL = 60
    static let ttlRange = 60...300

    func mint(
        account: SID, service: SID, identity: String, friendlyName: String?, ttl: Int = defaultTTL
    ) async throws -> AccessTokenRecord {
        try FactorForms.checkIdentity(identity)
        let now = clock.now().epochMilliseconds
        let sid = SID.random(.accessToken).rawValue
        let token = Self.opaqueToken()
        return try await batcher.write { db in
            let serviceID = try ServiceStore.requireID(db, account: account, service: service)
            var record = AccessTokenRecord(
                sid: sid, serviceId: serviceID, serviceSid: service.rawValue, accountSid: account.rawValue,
                identity: identity, factorType: .push, factorFriendlyName: friendlyName, token: token, ttl: ttl,
                createdAt: now, factorSid: nil)
            try record.insert(db)
            return record
        }
    }

    func fetch(account: SID, service: SID, sid: SID) async throws -> AccessTokenRecord {
        let record = try await writer.read { db in
            try AccessTokenRecord.filter(
                Column("sid") == sid.rawValue && Column("service_sid") == service.rawValue
                    && Column("account_sid") == account.rawValue
            ).fetchOne(db)
        }
        guard let record else { throw NotFound("no access token \(sid) on \(service)") }
        return record
    }

    /// A compact-JWE-shaped token: Twilio's header, an empty key part, random IV, text and tag.
    static func opaqueToken() -> String {
        func part(_ count: Int) -> String {
            Base64URL.encode((0..<count).map { _ in UInt8.random(in: .min ... .max) })
        }
        let header = #"{"zip":"DEF","kid":"SAS_S3___KMS_v1","cty":"twilio-fpa;v=1","enc":"A256GCM","alg":"dir"}"#
        return "\(Base64URL.encode(header.utf8))..\(part(12)).\(part(96)).\(part(16))"
    }
}
