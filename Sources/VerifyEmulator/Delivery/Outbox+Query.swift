extension Outbox.Query {
    func matches(_ message: MessageRecord) -> Bool {
        (to == nil || to == message.toAddress) && (serviceSid == nil || serviceSid == message.serviceSid)
            && (verificationSid == nil || verificationSid == message.verificationSid)
            && (accountSid == nil || accountSid == message.accountSid)
    }
}
