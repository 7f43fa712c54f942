/// `verify.v2.verification_attempt`: one send of a verification (a message "sent", a call
/// "placed"), with whether its verification was converted (approved).
public struct VerificationAttemptResource: Codable, Sendable, Equatable {
    public var sid: String
    public var accountSid: String
    public var serviceSid: String
    public var verificationSid: String
    public var dateCreated: String
    public var dateUpdated: String
    /// `converted` or `unconverted`.
    public var conversionStatus: String
    public var channel: String
    public var price: Price?
    public var channelData: ChannelData
    public var url: String

    public struct Price: Codable, Sendable, Equatable {
        public var value: String
        public var currency: String

        public init(value: String, currency: String) {
            self.value = value
            self.currency = currency
        }
    }

    /// What Twilio shows of the delivery.
    public struct ChannelData: Codable, Sendable, Equatable {
        public var verificationSid: String
        public var to: String
        /// `confirmed` once the verification is approved, else `unconfirmed`.
        public var status: String
        public var messageStatus: String
        public var country: String?
        public var codeLength: Int
        public var locale: String?

        public init(
            verificationSid: String, to: String, status: String, messageStatus: String, country: String?,
            codeLength: Int, locale: String?
        ) {
            self.verificationSid = verificationSid
            self.to = to
            self.status = status
            self.messageStatus = messageStatus
            self.country = country
            self.codeLength = codeLength
            self.locale = locale
        }

        enum CodingKeys: String, CodingKey {
            case to, status, country, locale
            case verificationSid = "verification_sid"
            case messageStatus = "message_status"
            case codeLength = "code_length"
        }
    }

    public init(
        sid: String, accountSid: String, serviceSid: String, verificationSid: String, dateCreated: String,
        dateUpdated: String, conversionStatus: String, channel: String, price: Price?, channelData: ChannelData,
        url: String
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.serviceSid = serviceSid
        self.verificationSid = verificationSid
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.conversionStatus = conversionStatus
        self.channel = channel
        self.price = price
        self.channelData = channelData
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case sid, channel, price, url
        case accountSid = "account_sid"
        case serviceSid = "service_sid"
        case verificationSid = "verification_sid"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
        case conversionStatus = "conversion_status"
        case channelData = "channel_data"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sid, forKey: .sid)
        try c.encode(accountSid, forKey: .accountSid)
        try c.encode(serviceSid, forKey: .serviceSid)
        try c.encode(verificationSid, forKey: .verificationSid)
        try c.encode(dateCreated, forKey: .dateCreated)
        try c.encode(dateUpdated, forKey: .dateUpdated)
        try c.encode(conversionStatus, forKey: .conversionStatus)
        try c.encode(channel, forKey: .channel)
        try c.encode(price, forKey: .price)
        try c.encode(channelData, forKey: .channelData)
        try c.encode(url, forKey: .url)
    }
}

/// `verify.v2.verification_attempts_summary`: attempts and conversions over a filter.
public struct VerificationAttemptsSummaryResource: Codable, Sendable, Equatable {
    public var totalAttempts: Int
    public var totalConverted: Int
    public var totalUnconverted: Int
    /// The share converted, in percent, as a decimal string (`"81.818181818"`).
    public var conversionRatePercentage: String
    public var url: String

    public init(
        totalAttempts: Int, totalConverted: Int, totalUnconverted: Int, conversionRatePercentage: String, url: String
    ) {
        self.totalAttempts = totalAttempts
        self.totalConverted = totalConverted
        self.totalUnconverted = totalUnconverted
        self.conversionRatePercentage = conversionRatePercentage
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case url
        case totalAttempts = "total_attempts"
        case totalConverted = "total_converted"
        case totalUnconverted = "total_unconverted"
        case conversionRatePercentage = "conversion_rate_percentage"
    }
}
