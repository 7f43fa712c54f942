import Logging
import ServiceLifecycle
import VerifyClient
import VerifyWire

/// Sends password-reset codes off the request path. A reset request is answered the same, in
/// the same time, whether or not the email has an account: the lookup and the limit are the
/// same work either way, and the one difference, the call to Twilio Verify, happens here after
/// the answer has gone, with its `code.sent` audit event (recorded here too, so the audit write
/// is no difference in the answer's time). A failure is logged with the account's id (the email
/// is not logged).
///
/// Requests queue in memory (at most 1,000 waiting; a burst beyond that drops the oldest, which
/// the limits make rare); at shutdown the queue is sent before the service ends.
final class ResetCodeSender: Service, Sendable {
    struct Job: Sendable {
        var email: String
        var accountSid: String
        /// Who asked, for the audit event recorded after the answer.
        var client: SessionClient?
    }

    private let stream: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation
    let verify: VerifyClient
    let serviceSid: String
    let audit: AuditLog
    let logger: Logger

    init(verify: VerifyClient, serviceSid: String, audit: AuditLog, logger: Logger) {
        self.audit = audit
        (stream, continuation) = AsyncStream.makeStream(of: Job.self, bufferingPolicy: .bufferingNewest(1000))
        self.verify = verify
        self.serviceSid = serviceSid
        self.logger = logger
    }

    /// Queues a code to `email`; returns at once.
    func enqueue(email: String, accountSid: String) {
        continuation.yield(Job(email: email, accountSid: accountSid, client: RequestClient.current))
    }

    func run() async {
        await withGracefulShutdownHandler {
            for await job in stream {
                do {
                    _ = try await verify.startVerification(serviceSid: serviceSid, to: job.email, channel: .email)
                    await audit.record(
                        AuditEvent(.codeSent, subject: job.accountSid, client: job.client, detail: ["channel": "email"])
                    )
                } catch {
                    logger.warning("password-reset code for account \(job.accountSid) not sent: \(error)")
                }
            }
        } onGracefulShutdown: {
            self.continuation.finish()
        }
    }
}
