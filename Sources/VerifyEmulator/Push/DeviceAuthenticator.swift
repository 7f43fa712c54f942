import GRDB
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Checks the JWT a phone sends as Basic `token:<JWT>` on its calls after enrolment, as the
/// Verify Push SDKs make it: ES256, `kid` the factor's `config.credential_sid`, `sub` the
/// account, `nbf`/`exp` on the emulator clock. A refusal is 401; the emulator's `Date` header
/// (see ``EmulatorDateHeader``) lets the SDK correct its clock and retry, as it does on Twilio.
struct DeviceAuthenticator: Sendable {
    let writer: any DatabaseWriter
    let clock: EmulatorClock

    /// Seconds of difference tolerated between the phone's clock and the emulator's.
    static let leeway: Double = 5

    /// Who calls a device endpoint.
    enum Caller: Sendable {
        case account(SID)
        /// The phone of this push factor, whose token checked out.
        case device(FactorRecord)

        var account: SID {
            switch self {
            case .account(let sid): sid
            case .device(let factor): SID(unchecked: factor.accountSid)
            }
        }

        /// The factor a device may act on; nil for the account, which may act on any.
        var deviceFactor: FactorRecord? {
            if case .device(let factor) = self { factor } else { nil }
        }
    }

    /// The caller of `context`'s request on `service`: its account, or the device whose token
    /// it presents.
    func caller(_ context: EmulatorRequestContext, service: SID) async throws -> Caller {
        if let account = context.account { return .account(account) }
        guard let token = context.deviceToken else { throw TwilioError.authenticationFailed(hint: "no credentials") }
        return .device(try await factor(presenting: token, service: service))
    }

    /// The push factor whose key signed `token`, when the token is valid now for `service`.
    func factor(presenting token: DeviceToken, service: SID) async throws -> FactorRecord {
        let jwt: CompactJWT
        do {
            jwt = try token.jwt.get()
        } catch {
            throw TwilioError.deviceAuthenticationFailed(hint: "device token: \(error)")
        }
        guard let kid = jwt.header["kid"]?.string else {
            throw TwilioError.deviceAuthenticationFailed(
                hint: "the device token's header has no kid (the factor's config.credential_sid)")
        }
        let factor = try await writer.read { db in
            try FactorRecord.filter(Column("credential_sid") == kid).fetchOne(db)
        }
        guard let factor, factor.serviceSid == service.rawValue,
            let key = factor.publicKey.flatMap({ try? DeviceKey(binding: $0) })
        else {
            throw TwilioError.deviceAuthenticationFailed(
                hint: "no push factor of \(service) has credential_sid \(kid) (the token's kid)")
        }
        guard key.verifies(jwt) else {
            throw TwilioError.deviceAuthenticationFailed(
                hint: "the device token is not signed by the key of factor \(factor.sid)")
        }
        guard jwt.claims["sub"]?.string == factor.accountSid else {
            throw TwilioError.deviceAuthenticationFailed(
                hint: "the device token's sub must be the account \(factor.accountSid)")
        }
        let now = clock.now().timeIntervalSince1970
        guard let expiry = jwt.claims["exp"]?.number else {
            throw TwilioError.deviceAuthenticationFailed(hint: "the device token has no exp")
        }
        guard now < expiry + Self.leeway else {
            throw TwilioError.deviceAuthenticationFailed(
                hint: "the device token expired at \(TwilioDate.format(epochSeconds: Int64(expiry))); "
                    + "the emulator's clock reads \(TwilioDate.format(epochSeconds: Int64(now))) (see the Date header)")
        }
        if let notBefore = jwt.claims["nbf"]?.number, notBefore > now + Self.leeway {
            throw TwilioError.deviceAuthenticationFailed(
                hint: "the device token is valid from \(TwilioDate.format(epochSeconds: Int64(notBefore))); "
                    + "the emulator's clock reads \(TwilioDate.format(epochSeconds: Int64(now))) (see the Date header)")
        }
        return factor
    }
}

extension DeviceAuthenticator.Caller {
    /// Refuses a device acting on another factor (or another entity) than its own.
    func require(factor sid: String, identity: String) throws(TwilioError) {
        guard let own = deviceFactor else { return }
        guard own.sid == sid, own.identity == identity else {
            throw .deviceAuthenticationFailed(
                hint: "the device token is for factor \(own.sid) of entity '\(own.identity)'")
        }
    }
}
