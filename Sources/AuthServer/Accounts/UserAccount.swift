/// A registered user. `sid` (`US` + 32 hex digits) is the stable public id and the `sub` of the
/// account's tokens; usernames and emails may change, the sid never does.
struct UserAccount: Sendable, Equatable {
    var id: Int64
    var sid: String
    var username: String
    var email: String
    var passwordHash: String
    var about: String
    /// The confirmed two-factor phone number; nil while two-factor is off.
    var phone: String?
    /// A number waiting for its confirmation code before two-factor turns on.
    var pendingPhone: String?
    /// Sessions and tokens from before this moment are void.
    var sessionsValidAfter: Double
    var disabledAt: Double?
    var createdAt: Double

    /// The account's Verify TOTP factor (`YF…`), once confirmed with a first code.
    var totpFactorSid: String?
    /// A TOTP factor made for the account and waiting for its first code.
    var pendingTOTPSid: String?
    /// The phone push logins ask (a verified Verify push factor), as last seen on Verify.
    var pushFactorSid: String?
    var pushDeviceName: String?

    /// Whether any second factor is on: a password alone no longer signs in.
    var twoFactorEnabled: Bool { !secondFactors.isEmpty }

    /// The second factors this account has on, in the order a login offers them.
    var secondFactors: [SecondFactor] {
        var factors: [SecondFactor] = []
        if totpFactorSid != nil { factors.append(.totp) }
        if pushFactorSid != nil { factors.append(.push) }
        if phone != nil { factors.append(.sms) }
        return factors
    }

    /// The Verify entity identity of the account's factors: its sid, which is stable and says
    /// nothing about the person (Twilio asks for no personal data there).
    var verifyIdentity: String { sid }

    var isDisabled: Bool { disabledAt != nil }

    /// The columns ``init(row:)`` reads, in its order.
    static let columns =
        "id, sid, username, email, password_hash, about, phone, pending_phone, sessions_valid_after, disabled_at, created_at, totp_factor_sid, pending_totp_sid, push_factor_sid, push_device_name"

    init(
        id: Int64, sid: String, username: String, email: String, passwordHash: String, about: String, phone: String?,
        pendingPhone: String?, sessionsValidAfter: Double, disabledAt: Double?, createdAt: Double,
        totpFactorSid: String?, pendingTOTPSid: String?, pushFactorSid: String?, pushDeviceName: String?
    ) {
        self.id = id
        self.sid = sid
        self.username = username
        self.email = email
        self.passwordHash = passwordHash
        self.about = about
        self.phone = phone
        self.pendingPhone = pendingPhone
        self.sessionsValidAfter = sessionsValidAfter
        self.disabledAt = disabledAt
        self.createdAt = createdAt
        self.totpFactorSid = totpFactorSid
        self.pendingTOTPSid = pendingTOTPSid
        self.pushFactorSid = pushFactorSid
        self.pushDeviceName = pushDeviceName
    }

    /// An account from a row of ``columns``, in their order.
    init(row: SQLRow) throws {
        id = try row.decode(0)
        sid = try row.decode(1)
        username = try row.decode(2)
        email = try row.decode(3)
        passwordHash = try row.decode(4)
        about = try row.decode(5)
        phone = try row.decode(6)
        pendingPhone = try row.decode(7)
        sessionsValidAfter = try row.decode(8)
        disabledAt = try row.decode(9)
        createdAt = try row.decode(10)
        totpFactorSid = try row.decode(11)
        pendingTOTPSid = try row.decode(12)
        pushFactorSid = try row.decode(13)
        pushDeviceName = try row.decode(14)
    }

    /// `+1******0100`: enough for the user to recognise their number, not enough to learn it.
    var maskedPhone: String? {
        guard let phone, phone.count > 6 else { return phone }
        return String(phone.prefix(2)) + String(repeating: "•", count: phone.count - 6) + String(phone.suffix(4))
    }
}
