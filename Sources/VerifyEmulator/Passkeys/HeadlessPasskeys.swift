import Crypto
import GRDB
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A passkey authenticator with no browser, for tests in any language: it answers the creation
/// and request options Verify returned with the `PublicKeyCredential` JSON a browser would send,
/// from a ``SoftwareAuthenticator`` per credential whose key and counter it keeps in the
/// database. A ``Variant`` breaks one part on purpose, so each of Verify's 603xx refusals can be
/// tested.
struct HeadlessPasskeys: Sendable {
    let writer: any DatabaseWriter
    let batcher: WriteBatcher
    let clock: EmulatorClock

    /// One way to break a ceremony.
    enum Variant: String, Sendable, CaseIterable {
        /// An assertion whose signature has one bit flipped.
        case badSignature = "bad_signature"
        /// Client data naming an origin the relying party does not list.
        case wrongOrigin = "wrong_origin"
        /// An assertion repeating the counter of the last one, as a cloned authenticator would.
        case replayedCounter = "replayed_counter"
        /// Authenticator data without the user-present flag.
        case userNotPresent = "user_not_present"

        /// The origin the client data names: the wrong one for ``wrongOrigin``.
        func origin(_ origin: String) -> String { self == .wrongOrigin ? "https://wrong-origin.invalid" : origin }

        /// Authenticator data flags: user present and verified, or only verified.
        var flags: UInt8 { self == .userNotPresent ? 0x04 : 0x05 }
    }

    /// Why a ceremony could not be answered; the control API names the field.
    struct Problem: Error, Sendable {
        var field: String
        var reason: String
        var notFound = false
    }

    /// The registration JSON for `options` (Verify's `options`, or its `publicKey`), from a new
    /// credential that is kept for later sign-ins unless `variant` breaks it.
    func register(options: [String: Any], origin: String, variant: Variant?) async throws -> [String: Any] {
        let publicKey = try Self.publicKey(options)
        guard let rp = publicKey["rp"] as? [String: Any], let rpId = rp["id"] as? String, !rpId.isEmpty else {
            throw Problem(field: "options.publicKey.rp.id", reason: "the creation options name no relying party id")
        }
        guard publicKey["challenge"] is String else {
            throw Problem(field: "options.publicKey.challenge", reason: "the creation options carry no challenge")
        }
        if let variant, variant == .badSignature || variant == .replayedCounter {
            throw Problem(
                field: "variant",
                reason:
                    "\(variant.rawValue) breaks a sign-in: a registration with none attestation has no signature or counter to break"
            )
        }
        let userHandle = (publicKey["user"] as? [String: Any])?["id"] as? String
        let authenticator = SoftwareAuthenticator()
        let registration = authenticator.register(
            options: ["publicKey": publicKey], origin: variant?.origin(origin) ?? origin,
            flags: variant?.flags ?? 0x05)
        guard variant == nil else { return registration }
        let now = clock.now().epochMilliseconds
        try await batcher.write { db in
            try db.execute(
                sql: """
                    INSERT INTO software_passkey (credential_id, rp_id, user_handle, private_key, sign_count, created_at)
                    VALUES (?, ?, ?, ?, 0, ?)
                    """,
                arguments: [authenticator.id, rpId, userHandle, authenticator.key.rawRepresentation, now])
        }
        return registration
    }

    /// The assertion JSON for request options, from the newest kept credential the options allow
    /// for their relying party.
    func authenticate(options: [String: Any], origin: String, variant: Variant?) async throws -> [String: Any] {
        let publicKey = try Self.publicKey(options)
        guard let rpId = publicKey["rpId"] as? String, !rpId.isEmpty else {
            throw Problem(field: "options.publicKey.rpId", reason: "the request options name no relying party id")
        }
        guard publicKey["challenge"] is String else {
            throw Problem(field: "options.publicKey.challenge", reason: "the request options carry no challenge")
        }
        let allowed = (publicKey["allowCredentials"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        // the counter is taken in the same transaction as it is read, so two sign-ins at once
        // never sign with the same one
        let credential = try await batcher.write { db -> (id: String, userHandle: String?, key: Data, count: UInt32) in
            var sql = "SELECT credential_id, user_handle, private_key, sign_count FROM software_passkey WHERE rp_id = ?"
            var arguments: StatementArguments = [rpId]
            if !allowed.isEmpty {
                sql += " AND credential_id IN (\(allowed.map { _ in "?" }.joined(separator: ", ")))"
                arguments += StatementArguments(allowed)
            }
            guard
                let row = try Row.fetchOne(
                    db, sql: sql + " ORDER BY created_at DESC, rowid DESC LIMIT 1", arguments: arguments)
            else {
                throw Problem(
                    field: "options",
                    reason: "no headless passkey for relying party \(rpId)"
                        + (allowed.isEmpty ? "" : " among the options' allowCredentials")
                        + ": register one with POST /emulator/v1/passkeys/register",
                    notFound: true)
            }
            let id: String = row[0]
            let stored = UInt32(clamping: row[3] as Int64)
            guard variant == .replayedCounter else {
                try db.execute(
                    sql: "UPDATE software_passkey SET sign_count = ? WHERE credential_id = ?",
                    arguments: [Int64(stored) + 1, id])
                return (id, row[1], row[2], stored + 1)
            }
            guard stored > 0 else {
                throw Problem(
                    field: "variant",
                    reason: "replayed_counter repeats the last sign-in's counter: sign in with this passkey once first")
            }
            return (id, row[1], row[2], stored)
        }
        let authenticator = SoftwareAuthenticator(
            key: try P256.Signing.PrivateKey(rawRepresentation: credential.key),
            credentialId: Base64URL.decode(credential.id) ?? [], signCount: credential.count)
        return try authenticator.assert(
            options: ["publicKey": publicKey], origin: variant?.origin(origin) ?? origin,
            userHandle: credential.userHandle, flags: variant?.flags ?? 0x05, tamper: variant == .badSignature,
            countUp: false)
    }

    /// The `publicKey` member of Verify's `options`, or the options themselves when they are it.
    static func publicKey(_ options: [String: Any]) throws(Problem) -> [String: Any] {
        if let inner = options["publicKey"] as? [String: Any] { return inner }
        guard options["challenge"] != nil else {
            throw Problem(
                field: "options", reason: "options must be the options Verify returned ({\"publicKey\": {...}})")
        }
        return options
    }
}
