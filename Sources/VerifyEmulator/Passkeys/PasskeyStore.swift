import Crypto
import GRDB
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Verify Passkeys: passkeys factors registered and challenges signed by real WebAuthn
/// ceremonies. Registration checks the client data (type, challenge, origin among the relying
/// party's), the `none` attestation, the relying party id's hash, the user-presence (and, when
/// required, user-verification) flag and the ES256 key; sign-in checks the same of the
/// assertion, its signature over the authenticator data and the client data's hash, and that
/// the signature counter moves forward. Each failure is the 603xx code Twilio documents for it.
struct PasskeyStore: Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock

    /// The ceremony timeout the options carry, and how long a sign-in challenge stays pending.
    static let timeoutMilliseconds = 600_000
    static let attachments = ["platform", "cross-platform", "any"]
    static let requirements = ["required", "preferred", "discouraged"]

    // MARK: Registration

    /// A new, unverified passkeys factor and the creation options for the browser.
    func createFactor(
        account: SID, service: SID, _ request: PasskeyRequests.CreateFactor
    ) async throws -> (FactorRecord, PasskeyCreationOptions) {
        guard let identity = request.identity, !identity.isEmpty else {
            throw TwilioError(
                code: 60366, status: 400, message: "Entity identity is missing", hint: "identity is required")
        }
        try FactorForms.checkIdentity(identity)
        guard let name = request.friendlyName, (1...64).contains(name.count) else {
            throw TwilioError.invalidFactorRequest(
                "friendly_name", hint: "friendly_name is required, 1 to 64 characters")
        }
        let now = clock.now().epochMilliseconds
        let sid = SID.random(.factor).rawValue
        return try await batcher.write { db in
            guard let serviceRecord = try ServiceStore.find(db, account: account, sid: service) else {
                throw NotFound("no service \(service) in account \(account)")
            }
            let config = try Self.config(request.config, defaults: serviceRecord.passkeys)
            let target = FactorStore.Target(account: account, service: service, identity: identity)
            let entity =
                try FactorStore.findEntity(db, serviceID: serviceRecord.id!, identity: identity)
                ?? FactorStore.insertEntity(db, serviceID: serviceRecord.id!, target: target, now: now)
            var factor = FactorRecord(
                sid: sid, entity: entity, friendlyName: name, factorType: .passkeys, metadata: nil, now: now)
            factor.rpId = config.relyingParty.id
            factor.rpName = config.relyingParty.name
            factor.rpOrigins = FactorForms.json(config.relyingParty.origins)
            factor.authenticatorAttachment = config.authenticatorAttachment
            factor.discoverableCredentials = config.discoverableCredentials
            factor.userVerification = config.userVerification
            try factor.insert(db)
            let existing = try Self.credentials(db, entityId: entity.id!)
            return (factor, Self.creationOptions(factor, entitySid: entity.sid, exclude: existing))
        }
    }

    /// The request's settings over the Service's; 400/60393 naming what neither gives.
    static func config(
        _ given: PasskeyRequests.CreateFactor.Config?, defaults: ServiceResource.Passkeys
    ) throws(TwilioError) -> PasskeysConfig {
        let id = given?.relyingParty?.id ?? defaults.relyingParty.id
        let name = given?.relyingParty?.name ?? defaults.relyingParty.name
        let origins = given?.relyingParty?.origins ?? defaults.relyingParty.origins
        var missing: [String] = []
        if id?.isEmpty ?? true { missing.append("config.relying_party.id") }
        if name?.isEmpty ?? true { missing.append("config.relying_party.name") }
        if origins?.isEmpty ?? true { missing.append("config.relying_party.origins") }
        guard missing.isEmpty, let id, let name, let origins else {
            throw .passkeys(
                .missingRelyingParty,
                hint: "set \(missing.joined(separator: ", ")) on the request or Passkeys.* on the Service")
        }
        guard !id.contains("/"), !id.contains(":") else {
            throw .invalidFactorRequest(
                "config.relying_party.id",
                hint: "the relying party id is a domain (example.com), without scheme or port")
        }
        for origin in origins where !(origin.hasPrefix("https://") || origin.hasPrefix("http://")) {
            throw .invalidFactorRequest(
                "config.relying_party.origins", hint: "'\(origin)' is not an origin such as https://login.example.com")
        }
        func oneOf(
            _ value: String?, _ allowed: [String], _ name: String, _ fallback: String
        ) throws(TwilioError)
            -> String
        {
            guard let value, !value.isEmpty else { return fallback }
            guard allowed.contains(value) else {
                throw .invalidFactorRequest(name, hint: "\(name) must be one of \(allowed.joined(separator: ", "))")
            }
            return value
        }
        return PasskeysConfig(
            relyingParty: .init(id: id, name: name, origins: origins),
            authenticatorAttachment: try oneOf(
                given?.authenticatorAttachment ?? defaults.authenticatorAttachment, attachments,
                "config.authenticator_attachment", "any"),
            discoverableCredentials: try oneOf(
                given?.discoverableCredentials ?? defaults.discoverableCredentials, requirements,
                "config.discoverable_credentials", "preferred"),
            userVerification: try oneOf(
                given?.userVerification ?? defaults.userVerification, requirements, "config.user_verification",
                "preferred"))
    }

    static func creationOptions(
        _ factor: FactorRecord, entitySid: String, exclude: [CredentialDescriptor]
    ) -> PasskeyCreationOptions {
        let config = factor.passkeysConfig
        return PasskeyCreationOptions(
            rp: .init(id: config.relyingParty.id, name: config.relyingParty.name),
            user: .init(
                id: Base64URL.encode(entitySid.utf8), name: factor.friendlyName, displayName: factor.friendlyName),
            challenge: Base64URL.encode(factor.sid.utf8), pubKeyCredParams: [.init(alg: -7)],
            timeout: timeoutMilliseconds, excludeCredentials: exclude,
            authenticatorSelection: .init(
                authenticatorAttachment: config.authenticatorAttachment == "any" ? nil : config.authenticatorAttachment,
                requireResidentKey: config.discoverableCredentials == "required",
                residentKey: config.discoverableCredentials, userVerification: config.userVerification),
            attestation: "none")
    }

    /// The verified passkeys of an entity, as options name them.
    static func credentials(_ db: Database, entityId: Int64) throws -> [CredentialDescriptor] {
        try FactorRecord.filter(
            Column("entity_id") == entityId && Column("factor_type") == FactorType.passkeys.rawValue
                && Column("status") == FactorStatus.verified.rawValue
        ).order(Column("id")).fetchAll(db).compactMap { factor in
            factor.credentialId.map {
                CredentialDescriptor(
                    id: $0,
                    transports: factor.transports.flatMap {
                        try? JSONDecoder().decode([String].self, from: Data($0.utf8))
                    })
            }
        }
    }

    /// Verifies a registration: the factor its challenge names becomes verified, with the new
    /// credential's id and key.
    func verifyFactor(
        account: SID, service: SID, _ registration: PasskeyRequests.Registration
    ) async throws
        -> FactorRecord
    {
        guard let response = registration.response else {
            throw TwilioError.invalidFactorRequest("response", hint: "response (the attestation) is required")
        }
        let (client, _) = try ClientData.read(response.clientDataJSON)
        guard client.type == "webauthn.create" else {
            throw TwilioError.passkeys(
                .clientData, hint: "clientDataJSON.type is '\(client.type)', not webauthn.create")
        }
        guard let factorSid = client.challengeSID(.factor) else {
            throw TwilioError.passkeys(.clientData, hint: "the challenge is not one of this emulator's registrations")
        }
        let attestation = try Self.attestation(response.attestationObject)
        let now = clock.now().epochMilliseconds
        return try await batcher.write { db in
            guard
                var factor = try FactorRecord.filter(
                    Column("sid") == factorSid.rawValue && Column("service_sid") == service.rawValue
                        && Column("account_sid") == account.rawValue && Column("factor_type") == "passkeys"
                ).fetchOne(db)
            else {
                throw TwilioError.passkeys(
                    .clientData, hint: "the challenge names \(factorSid), not a passkeys factor of \(service)")
            }
            guard factor.status == .unverified else {
                throw TwilioError(
                    code: 60383, status: 400, message: "Illegal factor status",
                    hint: "\(factor.sid) is verified already")
            }
            let config = factor.passkeysConfig
            guard config.relyingParty.origins.contains(client.origin) else {
                throw TwilioError.passkeys(
                    .origin,
                    hint: "origin \(client.origin) is not one of \(config.relyingParty.origins.joined(separator: ", "))"
                )
            }
            let data = try Self.checked(
                attestation, rpId: config.relyingParty.id, userVerification: config.userVerification)
            guard let credential = data.credential else {
                throw TwilioError.passkeys(.authenticatorData, hint: "the authenticator data holds no new credential")
            }
            let credentialId = Base64URL.encode(credential.id)
            guard registration.id == credentialId, registration.rawId == nil || registration.rawId == credentialId
            else {
                throw TwilioError.passkeys(
                    .rawId, hint: "id and rawId must be the base64url of the new credential's id")
            }
            if ["platform", "cross-platform"].contains(config.authenticatorAttachment),
                let attachment = registration.authenticatorAttachment, attachment != config.authenticatorAttachment
            {
                throw TwilioError.passkeys(
                    .authenticatorAttachment,
                    hint: "the authenticator is \(attachment); the factor asks for \(config.authenticatorAttachment)")
            }
            if try FactorRecord.filter(
                Column("credential_id") == credentialId && Column("service_sid") == service.rawValue
            )
            .fetchCount(db) > 0 {
                throw TwilioError.passkeys(.rawId, hint: "this credential is registered already")
            }
            factor.publicKey = credential.publicKey.derRepresentation.base64EncodedString()
            factor.credentialId = credentialId
            factor.signCount = Int64(data.signCount)
            factor.transports = response.transports.map { FactorForms.json($0) }
            factor.status = .verified
            factor.updatedAt = now
            try factor.update(db)
            return factor
        }
    }

    /// The authenticator data of a `none` attestation object; 400/60386 otherwise.
    static func attestation(_ text: String?) throws(TwilioError) -> AuthenticatorData {
        guard let text, let bytes = Base64URL.decode(text) else {
            throw .passkeys(.attestationObject, hint: "attestationObject is missing or not base64url")
        }
        let object: CBOR
        do {
            object = try CBOR.decode(bytes)
        } catch {
            throw .passkeys(.attestationObject, hint: "attestationObject is not CBOR: \(error)")
        }
        guard let format = object[text: "fmt"]?.text, let authData = object[text: "authData"]?.bytes else {
            throw .passkeys(.attestationObject, hint: "attestationObject must hold fmt and authData")
        }
        guard format == "none" else {
            throw .passkeys(
                .attestationObject,
                hint: "attestation format '\(format)': the options ask for none, and only none is verified")
        }
        return try AuthenticatorData(authData)
    }

    /// The authenticator data, when its relying party hash and flags are right.
    static func checked(
        _ data: AuthenticatorData, rpId: String, userVerification: String
    ) throws(TwilioError) -> AuthenticatorData {
        guard data.rpIdHash == Array(SHA256.hash(data: Data(rpId.utf8))) else {
            throw .passkeys(.relyingPartyId, hint: "the authenticator data is for another relying party than \(rpId)")
        }
        guard data.userPresent else {
            throw .passkeys(.authenticatorData, hint: "the user-present flag is not set")
        }
        if userVerification == "required", !data.userVerified {
            throw .passkeys(.authenticatorData, hint: "user verification is required and the flag is not set")
        }
        return data
    }
}
