import GRDB
import VerifyWire

/// A push challenge as the control API shows it: what the phone would display, the data of the
/// push notification Twilio would have sent, and whether the emulator can answer it (its
/// factor is a virtual device).
public struct PushChallengeSummary: Codable, Sendable, Equatable {
    public var sid: String
    public var factorSid: String
    public var serviceSid: String
    public var accountSid: String
    public var identity: String
    public var status: ChallengeStatus
    public var message: String
    public var fields: [ChallengeResource.Details.Field]
    public var expirationDate: String
    public var virtualDevice: Bool
    /// The data of the push notification (FCM's `data`, APNs' payload) Twilio sends the phone.
    public var notification: [String: String]
    /// How many times the backend asked for the notification again.
    public var notificationsSent: Int

    enum CodingKeys: String, CodingKey {
        case sid, identity, status, message, fields, notification
        case factorSid = "factor_sid"
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case expirationDate = "expiration_date"
        case virtualDevice = "virtual_device"
        case notificationsSent = "notifications_sent"
    }
}

extension PushChallengeSummary {
    /// Push challenges newest first, filtered as given; `status` as of `now`.
    static func list(
        _ db: Database, now: Int64, sid: String? = nil, identity: String? = nil, serviceSid: String? = nil,
        status: ChallengeStatus? = nil, limit: Int
    ) throws -> [PushChallengeSummary] {
        var query = ChallengeRecord.filter(Column("factor_type") == FactorType.push.rawValue)
        if let sid { query = query.filter(Column("sid") == sid) }
        if let identity { query = query.filter(Column("identity") == identity) }
        if let serviceSid { query = query.filter(Column("service_sid") == serviceSid) }
        switch status {
        case .pending?: query = query.filter(Column("status") == "pending" && Column("expires_at") > now)
        case .expired?:
            query = query.filter(
                Column("status") == "expired" || (Column("status") == "pending" && Column("expires_at") <= now))
        case let status?: query = query.filter(Column("status") == status.rawValue)
        case nil: break
        }
        let challenges = try query.order(Column("id").desc).limit(limit).fetchAll(db)
        let virtual = Set(try Int64.fetchAll(db, sql: "SELECT factor_id FROM virtual_device"))
        // the notification counts of all of them in one query
        var sentCounts: [Int64: Int] = [:]
        let ids = challenges.compactMap(\.id)
        if !ids.isEmpty {
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT challenge_id, COUNT(*) FROM notification WHERE challenge_id IN ("
                    + ids.map { _ in "?" }.joined(separator: ",") + ") GROUP BY challenge_id",
                arguments: StatementArguments(ids))
            for row in rows { sentCounts[row[0]] = row[1] }
        }
        return challenges.map { challenge in
            let details = challenge.resource(baseURL: "", now: now).details
            let message = details?.message ?? ""
            let sent = sentCounts[challenge.id ?? -1] ?? 0
            return PushChallengeSummary(
                sid: challenge.sid, factorSid: challenge.factorSid, serviceSid: challenge.serviceSid,
                accountSid: challenge.accountSid, identity: challenge.identity, status: challenge.status(at: now),
                message: message, fields: details?.fields ?? [],
                expirationDate: TwilioDate.format(epochSeconds: challenge.expiresAt / 1000),
                virtualDevice: virtual.contains(challenge.factorId),
                notification: [
                    "type": "verify_push_challenge", "factor_sid": challenge.factorSid,
                    "challenge_sid": challenge.sid, "message": message,
                ], notificationsSent: sent)
        }
    }
}
