import GRDB
import VerifyWire

extension VerificationRecord {
    /// Reads the columns of ``selectSQL`` in their order.
    init(_ statement: RawStatement) throws {
        let statusText = statement.text(7)
        guard let status = VerificationStatus(rawValue: statusText) else { throw Self.unknownStatus(statusText) }
        self.init(
            sid: statement.text(1), serviceId: statement.int64(2),
            serviceSid: statement.text(3), accountSid: statement.text(4), toAddress: statement.text(5),
            channel: statement.text(6), status: status, code: statement.text(8),
            checkAttempts: statement.int(9), locale: statement.optionalText(10), amount: statement.optionalText(11),
            payee: statement.optionalText(12), createdAt: statement.int64(13), updatedAt: statement.int64(14),
            expiresAt: statement.int64(15))
        id = statement.int64(0)
    }
}

extension MessageRecord {
    /// Reads the columns of ``selectSQL`` in their order.
    init(_ statement: RawStatement) {
        self.init(
            sid: statement.text(1), accountSid: statement.text(2), serviceSid: statement.text(3),
            verificationSid: statement.text(4), toAddress: statement.text(5), channel: statement.text(6),
            body: statement.text(7), code: statement.text(8), createdAt: statement.int64(9))
        id = statement.int64(0)
    }
}
