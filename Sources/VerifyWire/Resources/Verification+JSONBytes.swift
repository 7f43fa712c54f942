extension JSONWriter {
    /// The fields a verification and a check share, in Twilio's order.
    mutating func verificationFields(
        sid: String, serviceSid: String, accountSid: String, to: String, channel: String, status: VerificationStatus,
        valid: Bool
    ) {
        field("sid", sid)
        field("service_sid", serviceSid)
        field("account_sid", accountSid)
        field("to", to)
        field("channel", channel)
        field("status", status.rawValue)
        field("valid", valid)
    }
}

extension VerificationResource {
    /// The resource as JSON, byte for byte what its `Codable` encoding means (see tests).
    public func jsonBytes() -> [UInt8] {
        var json = JSONWriter()
        json.objectStart()
        json.verificationFields(
            sid: sid, serviceSid: serviceSid, accountSid: accountSid, to: to, channel: channel, status: status,
            valid: valid)
        json.key("lookup")
        json.objectStart()
        for (name, value) in lookup.sorted(by: { $0.key < $1.key }) { json.field(name, value) }
        json.objectEnd()
        json.field("amount", amount)
        json.field("payee", payee)
        json.key("send_code_attempts")
        json.arrayStart()
        for attempt in sendCodeAttempts {
            json.objectStart()
            json.field("attempt_sid", attempt.attemptSid)
            json.field("channel", attempt.channel)
            json.field("time", attempt.time)
            json.objectEnd()
        }
        json.arrayEnd()
        json.field("date_created", dateCreated)
        json.field("date_updated", dateUpdated)
        json.key("sna")
        if let sna {
            json.objectStart()
            for (name, value) in sna.sorted(by: { $0.key < $1.key }) { json.field(name, value) }
            json.objectEnd()
        } else {
            json.null()
        }
        json.field("url", url)
        json.objectEnd()
        return json.bytes
    }
}

extension VerificationCheckResource {
    /// The resource as JSON, byte for byte what its `Codable` encoding means (see tests).
    public func jsonBytes() -> [UInt8] {
        var json = JSONWriter(capacity: 512)
        json.objectStart()
        json.verificationFields(
            sid: sid, serviceSid: serviceSid, accountSid: accountSid, to: to, channel: channel, status: status,
            valid: valid)
        json.field("amount", amount)
        json.field("payee", payee)
        json.key("sna_attempts_error_codes")
        if let snaAttemptsErrorCodes {
            json.arrayStart()
            for code in snaAttemptsErrorCodes { json.int(code) }
            json.arrayEnd()
        } else {
            json.null()
        }
        json.field("date_created", dateCreated)
        json.field("date_updated", dateUpdated)
        json.objectEnd()
        return json.bytes
    }
}
