import GRDB
import VerifyWire

/// A TOTP factor as the control API shows it: what an authenticator app would show now (the
/// current code and the seconds it has left), so a demo or a test needs no app.
public struct FactorSummary: Codable, Sendable, Equatable {
    public var sid: String
    public var serviceSid: String
    public var accountSid: String
    public var identity: String
    public var friendlyName: String
    public var factorType: FactorType
    public var status: FactorStatus
    /// The code of the current time step on the emulator clock.
    public var code: String
    public var secondsLeft: Int
    public var timeStep: Int
    /// Pending challenges of this factor, oldest first.
    public var pendingChallenges: [String]

    enum CodingKeys: String, CodingKey {
        case sid, identity, status, code
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case friendlyName = "friendly_name"
        case factorType = "factor_type"
        case secondsLeft = "seconds_left"
        case timeStep = "time_step"
        case pendingChallenges = "pending_challenges"
    }
}

extension FactorSummary {
    /// TOTP factors newest first, with the code of `now`'s time step; filtered as given.
    static func list(
        _ db: Database, now: Int64, identity: String? = nil, serviceSid: String? = nil, accountSid: String? = nil,
        limit: Int
    ) throws -> [FactorSummary] {
        var query = FactorRecord.filter(Column("factor_type") == FactorType.totp.rawValue)
        if let identity { query = query.filter(Column("identity") == identity) }
        if let serviceSid { query = query.filter(Column("service_sid") == serviceSid) }
        if let accountSid { query = query.filter(Column("account_sid") == accountSid) }
        let factors = try query.order(Column("id").desc).limit(limit).fetchAll(db)
        // the pending challenges of all of them in one query
        var pending: [Int64: [String]] = [:]
        let ids = factors.compactMap(\.id)
        if !ids.isEmpty {
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT factor_id, sid FROM challenge WHERE factor_id IN (\(ids.map { _ in "?" }.joined(separator: ",")))
                    AND status = 'pending' AND expires_at > ? ORDER BY id
                    """,
                arguments: StatementArguments(ids + [now]))
            for row in rows { pending[row[0], default: []].append(row[1]) }
        }
        return factors.compactMap { factor in
            guard let totp = factor.totp else { return nil }
            let seconds = now / 1000
            let step = Int64(totp.timeStep)
            return FactorSummary(
                sid: factor.sid, serviceSid: factor.serviceSid, accountSid: factor.accountSid,
                identity: factor.identity,
                friendlyName: factor.friendlyName, factorType: factor.factorType, status: factor.status,
                code: totp.code(counter: totp.counter(atEpochSeconds: seconds)),
                secondsLeft: Int(step - ((seconds % step) + step) % step), timeStep: totp.timeStep,
                pendingChallenges: pending[factor.id ?? -1] ?? [])
        }
    }
}

extension ControlStore {
    /// Every TOTP factor (newest first), with its current code; filters by identity, service, account.
    func factors(
        identity: String?, serviceSid: String?, accountSid: String?, limit: Int
    ) async throws
        -> [FactorSummary]
    {
        let now = clock.now(for: accountSid.flatMap { SID($0, expecting: .account) }).epochMilliseconds
        return try await writer.read { db in
            try FactorSummary.list(
                db, now: now, identity: identity, serviceSid: serviceSid, accountSid: accountSid, limit: limit)
        }
    }
}
