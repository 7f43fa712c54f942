import VerifyWire

/// One "sent" message as the control API shows it.
public struct OutboxMessage: Codable, Sendable, Equatable {
    public var sid: String
    public var accountSid: String
    public var serviceSid: String
    public var verificationSid: String
    public var to: String
    public var channel: String
    public var body: String
    public var code: String
    public var dateCreated: String
    /// The Messaging Service the service's messaging configurations name for this number's
    /// country (or `all`); nil without one. Only `GET /emulator/v1/messages` fills it.
    public var messagingServiceSid: String?

    enum CodingKeys: String, CodingKey {
        case sid, to, channel, body, code
        case accountSid = "account_sid"
        case serviceSid = "service_sid"
        case verificationSid = "verification_sid"
        case dateCreated = "date_created"
        case messagingServiceSid = "messaging_service_sid"
    }

    init(_ record: MessageRecord, messagingServiceSid: String? = nil) {
        self.messagingServiceSid = messagingServiceSid
        sid = record.sid
        accountSid = record.accountSid
        serviceSid = record.serviceSid
        verificationSid = record.verificationSid
        to = record.toAddress
        channel = record.channel
        body = record.body
        code = record.code
        dateCreated = TwilioDate.format(epochSeconds: record.createdAt / 1000)
    }
}
