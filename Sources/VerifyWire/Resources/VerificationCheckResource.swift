/// `verify.v2.service.verification_check`.
public struct VerificationCheckResource: Codable, Sendable, Equatable {
    public var sid: String
    public var serviceSid: String
    public var accountSid: String
    public var to: String
    public var channel: String
    public var status: VerificationStatus
    public var valid: Bool
    public var amount: String?
    public var payee: String?
    /// The SNA errors of the verification's attempts, oldest first; null unless its channel is
    /// `sna`.
    public var snaAttemptsErrorCodes: [Int]?
    public var dateCreated: String
    public var dateUpdated: String

    public init(
        sid: String, serviceSid: String, accountSid: String, to: String, channel: String, status: VerificationStatus,
        valid: Bool, amount: String? = nil, payee: String? = nil, snaAttemptsErrorCodes: [Int]? = nil,
        dateCreated: String, dateUpdated: String
    ) {
        self.sid = sid
        self.serviceSid = serviceSid
        self.accountSid = accountSid
        self.to = to
        self.channel = channel
        self.status = status
        self.valid = valid
        self.amount = amount
        self.payee = payee
        self.snaAttemptsErrorCodes = snaAttemptsErrorCodes
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }

    enum CodingKeys: String, CodingKey {
        case sid, to, channel, status, valid, amount, payee
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case snaAttemptsErrorCodes = "sna_attempts_error_codes"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sid = try c.decode(String.self, forKey: .sid)
        serviceSid = try c.decode(String.self, forKey: .serviceSid)
        accountSid = try c.decode(String.self, forKey: .accountSid)
        to = try c.decode(String.self, forKey: .to)
        channel = try c.decode(String.self, forKey: .channel)
        status = try c.decode(VerificationStatus.self, forKey: .status)
        valid = try c.decodeIfPresent(Bool.self, forKey: .valid) ?? false
        amount = try c.decodeIfPresent(String.self, forKey: .amount)
        payee = try c.decodeIfPresent(String.self, forKey: .payee)
        snaAttemptsErrorCodes = try? c.decodeIfPresent([Int].self, forKey: .snaAttemptsErrorCodes)
        dateCreated = try c.decode(String.self, forKey: .dateCreated)
        dateUpdated = try c.decode(String.self, forKey: .dateUpdated)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sid, forKey: .sid)
        try c.encode(serviceSid, forKey: .serviceSid)
        try c.encode(accountSid, forKey: .accountSid)
        try c.encode(to, forKey: .to)
        try c.encode(channel, forKey: .channel)
        try c.encode(status, forKey: .status)
        try c.encode(valid, forKey: .valid)
        try c.encode(amount, forKey: .amount)
        try c.encode(payee, forKey: .payee)
        try c.encode(snaAttemptsErrorCodes, forKey: .snaAttemptsErrorCodes)
        try c.encode(dateCreated, forKey: .dateCreated)
        try c.encode(dateUpdated, forKey: .dateUpdated)
    }
}
