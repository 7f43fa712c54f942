import Crypto
import GRDB
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension PasskeyStore {
    /// A sign-in ceremony and what its resource shows.
    struct Ceremony: Sendable {
        var challenge: PasskeyChallengeRecord
        var entity: EntityRecord?
        var factor: FactorRecord?
        var allowCredentials: [CredentialDescriptor]

        /// Twilio's resource; `url` is the one the request was sent to (the create or approve call).
        func resource(url: String) -> PasskeyChallengeResource {
            PasskeyChallengeResource(
                sid: challenge.sid, accountSid: challenge.accountSid, serviceSid: challenge.serviceSid,
                entitySid: entity?.sid ?? "", identity: entity?.identity ?? "", factorSid: factor?.sid ?? "",
                dateCreated: TwilioDate.format(epochSeconds: challenge.createdAt / 1000),
                dateUpdated: TwilioDate.format(epochSeconds: challenge.updatedAt / 1000),
                dateResponded: challenge.respondedAt.map { TwilioDate.format(epochSeconds: $0 / 1000) },
                expirationDate: TwilioDate.format(epochSeconds: challenge.expiresAt / 1000),
                status: challenge.status, url: url,
                options: .init(
                    publicKey: .init(
                        challenge: Base64URL.encode(challenge.sid.utf8), timeout: PasskeyStore.timeoutMilliseconds,
                        rpId: challenge.rpId, allowCredentials: allowCredentials,
                        userVerification: challenge.userVerification)))
        }
    }

    /// A sign-in challenge: for an entity's passkeys, one factor's, or (neither given) any
    /// passkey of the service, the usernameless way.
    func createChallenge(
        account: SID, service: SID, _ request: PasskeyRequests.CreateChallenge
    ) async throws -> Ceremony {
        let now = clock.now().epochMilliseconds
        let sid = SID.random(.challenge).rawValue
        let identity = request.identity.flatMap { $0.isEmpty ? nil : $0 }
        let factorSid = try request.factorSid.flatMap { text throws(TwilioError) -> SID? in
            if text.isEmpty { return nil }
            guard let sid = SID(text, expecting: .factor) else {
                throw TwilioError(
                    code: 60362, status: 400, message: "Invalid factor SID",
                    hint: "factor_sid '\(text)' is not a YF SID")
            }
            return sid
        }
        return try await batcher.write { db in
            guard let serviceRecord = try ServiceStore.find(db, account: account, sid: service) else {
                throw NotFound("no service \(service) in account \(account)")
            }
            var entity: EntityRecord?
            var factor: FactorRecord?
            if let identity {
                try FactorForms.checkIdentity(identity)
                entity = try FactorStore.findEntity(db, serviceID: serviceRecord.id!, identity: identity)
                if entity == nil {
                    throw TwilioError(
                        code: 60392, status: 404, message: "Entity not found",
                        hint: "no entity '\(identity)' on \(service)")
                }
            }
            if let factorSid {
                factor = try FactorRecord.filter(
                    Column("sid") == factorSid.rawValue && Column("service_sid") == service.rawValue
                        && Column("factor_type") == "passkeys"
                ).fetchOne(db)
                guard let found = factor, entity == nil || found.entityId == entity?.id else {
                    throw TwilioError(
                        code: 60390, status: 404, message: "Factor not found",
                        hint:
                            "no passkeys factor \(factorSid) \(identity.map { "of entity '\($0)' " } ?? "")on \(service)"
                    )
                }
                guard found.status == .verified else { throw TwilioError.factorUnverified(found.sid) }
                if entity == nil { entity = try EntityRecord.fetchOne(db, key: found.entityId) }
            }
            // the relying party: the factor's, or the Service's for a usernameless challenge
            let config: PasskeysConfig
            if let factor {
                config = factor.passkeysConfig
            } else {
                config = try Self.config(nil, defaults: serviceRecord.passkeys)
            }
            var challenge = PasskeyChallengeRecord(
                sid: sid, serviceId: serviceRecord.id!, serviceSid: service.rawValue, accountSid: account.rawValue,
                entityId: entity?.id, factorId: factor?.id, rpId: config.relyingParty.id,
                rpOrigins: FactorForms.json(config.relyingParty.origins), userVerification: config.userVerification,
                status: .pending, expiresAt: now + Int64(Self.timeoutMilliseconds), respondedAt: nil, createdAt: now,
                updatedAt: now)
            try challenge.insert(db)
            return Ceremony(
                challenge: challenge, entity: entity, factor: factor,
                allowCredentials: try Self.allowed(db, entity: entity, factor: factor))
        }
    }

    static func allowed(_ db: Database, entity: EntityRecord?, factor: FactorRecord?) throws -> [CredentialDescriptor] {
        if let factor { return factor.credentialId.map { [CredentialDescriptor(id: $0)] } ?? [] }
        if let entity { return try credentials(db, entityId: entity.id!) }
        return []
    }

    /// Approves the challenge an assertion answers, when the assertion verifies with a passkey
    /// the challenge admits.
    func approve(account: SID, service: SID, _ assertion: PasskeyRequests.Assertion) async throws -> Ceremony {
        guard let response = assertion.response else {
            throw TwilioError.invalidFactorRequest("response", hint: "response (the assertion) is required")
        }
        guard let id = assertion.id ?? assertion.rawId, let idBytes = Base64URL.decode(id) else {
            throw TwilioError.passkeys(.rawId, hint: "id (the credential's base64url id) is required")
        }
        if let rawId = assertion.rawId, Base64URL.decode(rawId) != idBytes {
            throw TwilioError.passkeys(.rawId, hint: "id and rawId name different credentials")
        }
        let credentialId = Base64URL.encode(idBytes)
        let (client, clientBytes) = try ClientData.read(response.clientDataJSON)
        guard client.type == "webauthn.get" else {
            throw TwilioError.passkeys(.clientData, hint: "clientDataJSON.type is '\(client.type)', not webauthn.get")
        }
        guard let challengeSid = client.challengeSID(.challenge) else {
            throw TwilioError.passkeys(.clientData, hint: "the challenge is not one of this emulator's sign-ins")
        }
        guard let authBytes = response.authenticatorData.flatMap({ Base64URL.decode($0) }) else {
            throw TwilioError.passkeys(.authenticatorData, hint: "authenticatorData is missing or not base64url")
        }
        let authData = try AuthenticatorData(authBytes)
        guard let signatureBytes = response.signature.flatMap({ Base64URL.decode($0) }),
            let signature = try? P256.Signing.ECDSASignature(derRepresentation: signatureBytes)
        else { throw TwilioError.passkeys(.signature, hint: "signature is missing or not a DER ECDSA signature") }
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            guard
                var challenge = try PasskeyChallengeRecord.filter(
                    Column("sid") == challengeSid.rawValue && Column("service_sid") == service.rawValue
                        && Column("account_sid") == account.rawValue
                ).fetchOne(db)
            else {
                throw TwilioError.passkeys(
                    .clientData, hint: "the challenge names \(challengeSid), not a passkeys challenge of \(service)")
            }
            switch challenge.status(at: now) {
            case .expired: throw TwilioError.challengeExpired()
            case .approved, .denied: throw TwilioError.challengeResponded(challenge.status)
            case .pending: break
            }
            guard challenge.origins.contains(client.origin) else {
                throw TwilioError.passkeys(
                    .origin, hint: "origin \(client.origin) is not one of \(challenge.origins.joined(separator: ", "))")
            }
            guard
                var factor = try FactorRecord.filter(
                    Column("credential_id") == credentialId && Column("service_sid") == service.rawValue
                        && Column("factor_type") == "passkeys" && Column("status") == "verified"
                ).fetchOne(db),
                let key = factor.publicKey.flatMap({ Data(base64Encoded: $0) })
                    .flatMap({ try? P256.Signing.PublicKey(derRepresentation: $0) })
            else { throw TwilioError.passkeys(.rawId, hint: "no verified passkey of \(service) has this id") }
            if let wanted = challenge.factorId, wanted != factor.id {
                throw TwilioError.passkeys(.rawId, hint: "the challenge is for another passkey")
            }
            if let wanted = challenge.entityId, wanted != factor.entityId {
                throw TwilioError.passkeys(.rawId, hint: "the passkey belongs to another entity than the challenge's")
            }
            if let handle = response.userHandle, !handle.isEmpty,
                Base64URL.decode(handle) != Array(factor.entitySid.utf8)
            {
                throw TwilioError.passkeys(.rawId, hint: "userHandle is not the passkey's entity")
            }
            _ = try Self.checked(authData, rpId: challenge.rpId, userVerification: challenge.userVerification)
            let signed = Data(authBytes) + Data(SHA256.hash(data: Data(clientBytes)))
            guard key.isValidSignature(signature, for: signed) else {
                throw TwilioError.passkeys(
                    .signature, hint: "the signature does not verify with the passkey's public key")
            }
            let stored = UInt32(clamping: factor.signCount ?? 0)
            if authData.signCount != 0 || stored != 0, authData.signCount <= stored {
                throw TwilioError.passkeys(
                    .authenticatorData,
                    hint: "the signature counter is \(authData.signCount), not above \(stored): a cloned authenticator?"
                )
            }
            factor.signCount = Int64(authData.signCount)
            factor.updatedAt = now
            try factor.update(db)
            challenge.status = .approved
            challenge.entityId = factor.entityId
            challenge.factorId = factor.id
            challenge.respondedAt = now
            challenge.updatedAt = now
            try challenge.update(db)
            let entity = try EntityRecord.fetchOne(db, key: factor.entityId)
            return Ceremony(
                challenge: challenge, entity: entity, factor: factor,
                allowCredentials: factor.credentialId.map { [CredentialDescriptor(id: $0)] } ?? [])
        }
    }
}
