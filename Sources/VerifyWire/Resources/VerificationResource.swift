/// One entry of a verification's `send_code_attempts`.
public struct SendCodeAttempt: Codable, Sendable, Equatable {
    public var attemptSid: String
    /// Upper case on the wire (`SMS`, `CALL`, `EMAIL`, `WHATSAPP`), as Twilio sends it.
    public var channel: String
    public var time: String
    public init(attemptSid: String, channel: String, time: String) {
        self.attemptSid = attemptSid
        self.channel = channel
        self.time = time
    }
    enum CodingKeys: String, CodingKey {
        case channel, time
        case attemptSid = "attempt_sid"
    }
}

/// `verify.v2.service.verification`.
public struct VerificationResource: Codable, Sendable, Equatable {
    public var sid: String
    public var serviceSid: String
    public var accountSid: String
    public var to: String
    public var channel: String
    public var status: VerificationStatus
    public var valid: Bool
    public var lookup: [String: String]
    public var amount: String?
    public var payee: String?
    public var sendCodeAttempts: [SendCodeAttempt]
    public var dateCreated: String
    public var dateUpdated: String
    public var sna: [String: String]?
    public var url: String

    public init(
        sid: String, serviceSid: String, accountSid: String, to: String, channel: String, status: VerificationStatus,
        valid: Bool, lookup: [String: String] = [:], amount: String? = nil, payee: String? = nil,
        sendCodeAttempts: [SendCodeAttempt], dateCreated: String, dateUpdated: String,
        sna: [String: String]? = nil, url: String
    ) {
        self.sid = sid
        self.serviceSid = serviceSid
        self.accountSid = accountSid
        self.to = to
        self.channel = channel
        self.status = status
        self.valid = valid
        self.lookup = lookup
        self.amount = amount
        self.payee = payee
        self.sendCodeAttempts = sendCodeAttempts
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.sna = sna
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case sid, to, channel, status, valid, lookup, amount, payee, sna, url
        case serviceSid = "service_sid"
        case accountSid = "account_sid"
        case sendCodeAttempts = "send_code_attempts"
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
        lookup = (try? c.decodeIfPresent([String: String].self, forKey: .lookup)) ?? [:]
        amount = try c.decodeIfPresent(String.self, forKey: .amount)
        payee = try c.decodeIfPresent(String.self, forKey: .payee)
        sendCodeAttempts = try c.decodeIfPresent([SendCodeAttempt].self, forKey: .sendCodeAttempts) ?? []
        dateCreated = try c.decode(String.self, forKey: .dateCreated)
        dateUpdated = try c.decode(String.self, forKey: .dateUpdated)
        sna = try? c.decodeIfPresent([String: String].self, forKey: .sna)
        url = try c.decode(String.self, forKey: .url)
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
        try c.encode(lookup, forKey: .lookup)
        try c.encode(amount, forKey: .amount)
        try c.encode(payee, forKey: .payee)
        try c.encode(sendCodeAttempts, forKey: .sendCodeAttempts)
        try c.encode(dateCreated, forKey: .dateCreated)
        try c.encode(dateUpdated, forKey: .dateUpdated)
        try c.encode(sna, forKey: .sna)
        try c.encode(url, forKey: .url)
    }
}
