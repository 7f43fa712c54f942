import Hummingbird
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

    enum CodingKeys: String, CodingKey {
        case sid, to, channel, body, code
        case accountSid = "account_sid"
        case serviceSid = "service_sid"
        case verificationSid = "verification_sid"
        case dateCreated = "date_created"
    }

    init(_ record: MessageRecord) {
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

/// The emulator's own API under `/emulator/v1`, for tests and tools: what Twilio cannot offer.
/// Open without credentials (the emulator binds to loopback by default).
struct ControlAPI: Sendable {
    let outbox: Outbox

    func addRoutes(to router: Router<EmulatorRequestContext>) {
        router.get("/healthz") { _, _ in
            try JSONResponse.make(["status": "ok"])
        }
        router.get("/emulator/v1/messages", use: listMessages)
    }

    /// `GET /emulator/v1/messages?to=&service_sid=&verification_sid=&account_sid=&limit=`:
    /// the "sent" messages, newest first.
    @Sendable func listMessages(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let query = try request.queryForm()
        var filter = Outbox.Query()
        filter.to = query["to"]
        filter.serviceSid = query["service_sid"]
        filter.verificationSid = query["verification_sid"]
        filter.accountSid = query["account_sid"]
        filter.limit = try query.int("limit", in: 1...1000) ?? 50
        let messages = try await outbox.messages(filter)
        return try JSONResponse.make(["messages": messages.map(OutboxMessage.init)])
    }
}
