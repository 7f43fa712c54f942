import GRDB
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Challenges of an entity's factors: for TOTP, approved by a code at create or by an update,
/// pending otherwise; for push, approved or denied by the device's signed answer (see
/// ``ChallengeSignature``); expired lazily at their expiration date (5 minutes by default, 60
/// at most).
struct ChallengeStore: Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock

    static let defaultLifetime: Int64 = 300_000

    /// List filters: `FactorSid`, `Status`, `Order` (`asc`, the default, or `desc`).
    struct ListFilter: Sendable {
        var factorSid: SID?
        var status: ChallengeStatus?
        var newestFirst = false
    }

    func create(_ target: FactorStore.Target, _ request: CreateChallengeRequest) async throws -> ChallengeRecord {
        let now = clock.now().epochMilliseconds
        let sid = SID.random(.challenge).rawValue
        return try await batcher.write { db in
            var factor = try FactorStore.requireFactor(db, target, sid: request.factorSid)
            guard factor.status == .verified else { throw TwilioError.factorUnverified(factor.sid) }
            if factor.factorType == .passkeys {
                throw TwilioError(
                    code: 60369, status: 400, message: "Invalid factor type",
                    hint: "passkeys challenges are created with POST /v2/Services/{VA}/Passkeys/Challenges")
            }
            if factor.factorType == .push {
                guard request.details != nil, request.message?.isEmpty == false else {
                    throw TwilioError.invalidChallengeDetails(hint: "Details.Message is required for push challenges")
                }
                if request.authPayload != nil {
                    throw TwilioError.invalidFactorRequest(
                        "AuthPayload", hint: "a push challenge is answered by the device, not with AuthPayload")
                }
            }
            var details = request.details
            if factor.factorType == .push, let text = details,
                var parsed = try? JSONDecoder().decode(ChallengeResource.Details.self, from: Data(text.utf8)),
                try ServiceStore.find(db, account: target.account, sid: target.service)?.push.includeDate == true
            {
                // the deprecated Push.IncludeDate: details.date is date_created
                parsed.date = TwilioDate.format(epochSeconds: now / 1000)
                details = FactorForms.json(parsed)
            }
            var challenge = ChallengeRecord(
                sid: sid, factorId: factor.id!, factorSid: factor.sid, entityId: factor.entityId,
                entitySid: factor.entitySid, identity: factor.identity, serviceSid: factor.serviceSid,
                accountSid: factor.accountSid, factorType: factor.factorType, status: .pending, respondedReason: .none,
                details: details, hiddenDetails: request.hiddenDetails, metadata: nil, failedAttempts: 0,
                expiresAt: request.expiresAt ?? now + Self.defaultLifetime, respondedAt: nil, createdAt: now,
                updatedAt: now)
            if let code = request.authPayload {
                Self.answer(&challenge, factor: &factor, code: code, now: now)
                try factor.update(db)
            }
            try challenge.insert(db)
            return challenge
        }
    }

    func challenge(_ target: FactorStore.Target, sid: SID) async throws -> ChallengeRecord {
        try await writer.read { db in try Self.require(db, target, sid: sid) }
    }

    func challenges(
        _ target: FactorStore.Target, filter: ListFilter, page: PageRequest
    ) async throws -> Page<ChallengeRecord> {
        let now = clock.now().epochMilliseconds
        return try await writer.read { db in
            let entity = try FactorStore.requireEntity(db, target)
            var query = ChallengeRecord.filter(Column("entity_id") == entity.id!)
            if let factor = filter.factorSid { query = query.filter(Column("factor_sid") == factor.rawValue) }
            switch filter.status {
            case .pending?:
                query = query.filter(Column("status") == "pending" && Column("expires_at") > now)
            case .expired?:
                query = query.filter(
                    Column("status") == "expired" || (Column("status") == "pending" && Column("expires_at") <= now))
            case let status?:
                query = query.filter(Column("status") == status.rawValue)
            case nil:
                break
            }
            return try query.fetchPage(db, page, newestFirst: filter.newestFirst)
        }
    }

    /// Answers a pending challenge: a TOTP one with a code, a push one with the device's signed
    /// answer. `device` is the calling phone's factor, which may answer only its own challenges.
    func update(
        _ target: FactorStore.Target, sid: SID, authPayload: String?, metadata: String?, device: FactorRecord?
    ) async throws -> ChallengeRecord {
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            var challenge = try Self.require(db, target, sid: sid)
            if let device, device.sid != challenge.factorSid {
                throw TwilioError.deviceAuthenticationFailed(
                    hint: "the device token is for factor \(device.sid), the challenge for \(challenge.factorSid)")
            }
            switch challenge.status(at: now) {
            case .expired: throw TwilioError.challengeExpired()
            case .approved, .denied: throw TwilioError.challengeResponded(challenge.status)
            case .pending: break
            }
            guard let authPayload else {
                throw TwilioError.invalidFactorRequest(
                    "AuthPayload", hint: "AuthPayload is required to answer a challenge")
            }
            guard var factor = try FactorRecord.fetchOne(db, key: challenge.factorId) else {
                throw NotFound("the challenge's factor is gone")
            }
            switch factor.factorType {
            case .push:
                guard let key = factor.publicKey.flatMap({ try? DeviceKey(binding: $0) }) else {
                    throw TwilioError.challengeVerificationFailed(hint: "the factor has no device key")
                }
                let body = try ChallengeSignature.body(challenge.resource(baseURL: "", now: now))
                challenge.status = try ChallengeSignature.answer(in: authPayload, challenge: body, key: key)
                challenge.respondedAt = now
                challenge.updatedAt = now
                if let metadata { challenge.metadata = metadata }
            case .totp, .passkeys:
                if challenge.failedAttempts >= FactorStore.maxAttempts { throw TwilioError.challengeAttempts() }
                Self.answer(&challenge, factor: &factor, code: authPayload, now: now)
                try factor.update(db)
            }
            try challenge.update(db)
            return challenge
        }
    }

    /// Approves the challenge when `code` is the factor's, else counts a wrong attempt.
    static func answer(_ challenge: inout ChallengeRecord, factor: inout FactorRecord, code: String, now: Int64) {
        if let counter = FactorStore.accept(code, for: factor, at: now) {
            factor.lastCounter = counter
            challenge.status = .approved
            challenge.respondedAt = now
        } else {
            challenge.failedAttempts += 1
        }
        challenge.updatedAt = now
    }

    static func require(_ db: Database, _ target: FactorStore.Target, sid: SID) throws -> ChallengeRecord {
        let entity = try FactorStore.requireEntity(db, target)
        guard
            let challenge = try ChallengeRecord.filter(
                Column("entity_id") == entity.id! && Column("sid") == sid.rawValue
            )
            .fetchOne(db)
        else { throw NotFound("no challenge \(sid) on entity '\(target.identity)'") }
        return challenge
    }
}

extension ChallengeStore {
    /// Records a notification for a pending push challenge; 400 for a TOTP one, 403 for one
    /// that has expired or been answered.
    func notify(_ target: FactorStore.Target, sid: SID, ttl: Int) async throws -> NotificationRecord {
        let now = clock.now().epochMilliseconds
        let notificationSid = SID.random(.notification).rawValue
        return try await batcher.write { db in
            let challenge = try Self.require(db, target, sid: sid)
            guard challenge.factorType == .push else {
                throw TwilioError.invalidFactorRequest(
                    "ChallengeSid",
                    hint: "notifications are sent for push challenges; \(sid) is \(challenge.factorType.rawValue)")
            }
            switch challenge.status(at: now) {
            case .expired: throw TwilioError.challengeExpired()
            case .approved, .denied: throw TwilioError.challengeResponded(challenge.status)
            case .pending: break
            }
            var record = NotificationRecord(
                sid: notificationSid, challengeId: challenge.id!, challengeSid: challenge.sid,
                entitySid: challenge.entitySid, identity: challenge.identity, serviceSid: challenge.serviceSid,
                accountSid: challenge.accountSid, ttl: ttl, createdAt: now)
            try record.insert(db)
            return record
        }
    }
}
