import Logging
import VerifyClient
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Signing in by a code sent to a phone, the same for the JSON API
/// (`/api/auth/send-verification`, `/api/auth/verify-code`) and the "Sign in with your phone"
/// page: the SMS gate and the limits before any Verify call, review numbers' fixed codes, the
/// audit events, and an approved code counted back to the gate's breaker.
struct PhoneLogin: Sendable {
    let verify: VerifyClient
    let serviceSid: String
    let limits: AbuseLimits
    /// When set, the client IP is passed to Twilio Verify as this `RateLimits` key.
    let twilioRateLimitKey: String?
    let audit: AuditLog
    let logger: Logger
    let now: @Sendable () -> Date

    /// Sends a code to `phone` (E.164), unless the gate or a limit refuses (``SMSRefusal``) or
    /// Verify fails (an ``APIError`` saying what to do).
    func sendCode(to phone: String, ip: String) async throws {
        let admission: AbuseLimits.SMSAdmission
        do {
            admission = try await limits.admitSMS(to: phone, ip: ip, now: now())
        } catch let refusal as SMSRefusal {
            await audit.codeRefused(refusal, subject: phone, to: phone)
            throw refusal
        }
        if admission == .paid {
            var options = VerifyClient.StartOptions()
            if let key = twilioRateLimitKey { options.rateLimits = [key: ip] }
            do {
                _ = try await verify.startVerification(
                    serviceSid: serviceSid, to: phone, channel: .sms, options: options)
            } catch let error as VerifyClientError {
                await audit.verifyRefused(error, subject: phone, to: phone)
                throw verifyFailure(error, during: "send", logger: logger)
            }
        }
        await audit.record(AuditEvent(.codeSent, subject: phone, detail: ["channel": "sms", "to": phone]))
    }

    /// What Verify (or a review number's fixed code) says of `code` for `phone`, within the
    /// limits on checks; an approved code is counted back to the SMS gate's breaker.
    func codeStatus(_ code: String, phone: String, ip: String) async throws -> VerificationStatus {
        try AbuseLimits.refuse(try await limits.verify(phone, ip: ip, now: now()))
        let code = code.trimmingWhitespace()
        guard (4...10).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw APIError.badRequest("The code is 4 to 10 letters or digits")
        }
        if let accepted = limits.sms.settings.reviewNumbers.accepts(String(code), for: phone) {
            return accepted ? .approved : .pending
        }
        let check: VerificationCheckResource
        do {
            check = try await verify.checkVerification(serviceSid: serviceSid, to: phone, code: String(code))
        } catch let error as VerifyClientError {
            throw verifyFailure(error, during: "check", logger: logger)
        }
        guard check.status == .approved, check.valid else { return check.status == .approved ? .pending : check.status }
        limits.sms.verified(phone, now: now())
        return .approved
    }
}
