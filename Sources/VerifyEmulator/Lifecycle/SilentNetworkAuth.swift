import GRDB
import VerifyWire

/// Silent Network Auth, emulated. A start on `sna` (or on `auto` for a number of a country with
/// SNA) makes an SNA URL per send attempt, hosted by the emulator at
/// `/emulator/v1/sna/{VL}/{token}`, valid 10 minutes and usable once. Opening it is the phone's
/// cellular request: it answers as Twilio's SNA endpoint does (`ErrorCode=0&ErrorDescription=Success`)
/// and makes the verification approvable by a check with no code; a check before that is 60519.
enum SilentNetworkAuth {
    /// How long an SNA URL works.
    static let lifetime: Int64 = 600_000

    /// Countries whose carriers the emulator pretends support SNA, for `Channel=auto`.
    static let supportedCountries: Set<String> = ["US", "CA", "GB", "DE", "FR", "ES", "IT", "NL", "BR"]

    /// Magic numbers: the phone's SIM does not match the number (60500 when the URL is opened).
    static let mismatchedNumbers: Set<String> = ["+15005550012"]

    /// What opening an SNA URL says, as Twilio's SNA endpoint answers (a 200 either way).
    struct Outcome: Equatable, Sendable {
        var code: Int
        var description: String

        var body: String {
            "ErrorCode=\(code)&ErrorDescription=\(FormData.encode(description))"
                + (code == 0 ? "&Carrier=EMU" : "")
        }

        static let success = Outcome(code: 0, description: "Success")
        static let mismatch = Outcome(code: 60500, description: "Phone number mismatch")
        static let unusable = Outcome(code: 60510, description: "SNA URL expired or already used")
    }

    /// The channel `auto` picks for `to`: SNA where carriers have it, else SMS.
    static func autoChannel(for to: String) -> VerificationChannel {
        PhoneCountry.of(to).map(supportedCountries.contains) == true ? .sna : .sms
    }

    static func insertSession(
        _ db: Database, attemptSid: String, verificationSid: String, token: String, now: Int64
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO sna_session (attempt_sid, verification_sid, token, expires_at, created_at)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [attemptSid, verificationSid, token, now + lifetime, now])
    }

    /// The newest SNA token of a verification, for its `sna.url`.
    static func latestToken(_ db: Database, verificationSid: String) throws -> (attempt: String, token: String)? {
        try Row.fetchOne(
            db,
            sql:
                "SELECT attempt_sid, token FROM sna_session WHERE verification_sid = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
            arguments: [verificationSid]
        ).map { ($0[0], $0[1]) }
    }

    /// The results of a verification's invoked attempts, oldest first.
    static func results(_ db: Database, verificationSid: String) throws -> [Int] {
        try Int.fetchAll(
            db,
            sql:
                "SELECT result_code FROM sna_session WHERE verification_sid = ? AND result_code IS NOT NULL ORDER BY rowid",
            arguments: [verificationSid])
    }

    /// The phone opens the URL of attempt `attemptSid` with `token`.
    static func invoke(_ db: Database, attemptSid: String, token: String, now: Int64) throws -> Outcome {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT s.token, s.expires_at, s.invoked_at, v.to_address FROM sna_session s
                    JOIN verification v ON v.sid = s.verification_sid WHERE s.attempt_sid = ?
                    """, arguments: [attemptSid]),
            ConstantTime.equal(row[0] as String, token)
        else { return .unusable }
        let expiresAt: Int64 = row[1]
        let invokedAt: Int64? = row[2]
        guard invokedAt == nil, now < expiresAt else { return .unusable }
        let to: String = row[3]
        let mismatched = mismatchedNumbers.contains(to) || OutcomeCatalogue.isSNAMismatch(to)
        let outcome: Outcome = mismatched ? .mismatch : .success
        try db.execute(
            sql: "UPDATE sna_session SET invoked_at = ?, result_code = ? WHERE attempt_sid = ?",
            arguments: [now, outcome.code, attemptSid])
        return outcome
    }
}
