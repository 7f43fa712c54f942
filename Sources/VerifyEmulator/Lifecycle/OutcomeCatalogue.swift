import VerifyWire

/// A code held back from the phone: delivered after a while of emulator time, or never.
enum WithheldDelivery: Sendable, Equatable {
    case after(milliseconds: Int64)
    case never
}

/// When an outcome shows: on a start, on a check, or when the code is delivered.
enum OutcomeMoment: String, Sendable, Encodable {
    case start, check, delivery
}

/// One outcome of the built-in catalogue: what a verification to one of its numbers does.
struct Outcome: Sendable, Encodable {
    var outcome: String
    var description: String
    var numbers: [String]
    var on: OutcomeMoment
    var httpStatus: Int?
    var errorCode: Int?
    var delaySeconds: Double?
    /// The error the API answers, for the outcomes that fail.
    var error: TwilioError?

    enum CodingKeys: String, CodingKey {
        case outcome, description, numbers, on
        case httpStatus = "http_status"
        case errorCode = "error_code"
        case delaySeconds = "delay_seconds"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(description, forKey: .description)
        try c.encode(numbers, forKey: .numbers)
        try c.encode(on, forKey: .on)
        try c.encode(httpStatus, forKey: .httpStatus)
        try c.encode(errorCode, forKey: .errorCode)
        try c.encode(delaySeconds, forKey: .delaySeconds)
    }

    /// Whether this outcome plays Fraud Guard, which a safe-listed number or `RiskCheck=disable`
    /// passes.
    var isFraudGuard: Bool { errorCode == 60410 }
}

/// The built-in outcome catalogue: numbers whose verifications fail (or slow down) in a known
/// way with no fixture file and no fault rule, ten numbers per outcome so tests running in
/// parallel never share one. `+1500555 9 OO N`: outcome `OO` (01…), number `N` (0…9); for
/// example every number from `+15005559030` to `+15005559039` is blocked by Fraud Guard.
/// Served at `GET /emulator/v1/outcomes`; the README's table is checked against that answer.
///
/// Deterministic: every verification to such a number has the outcome, every time. The
/// single magic numbers `+15005550001`… of `fixtures/magic-numbers.json` stay as they were
/// (fault rules loaded from the file): tests use them as ordinary numbers without it.
enum OutcomeCatalogue {
    /// What every catalogue number starts with.
    static let prefix = "+15005559"

    static let all: [Outcome] = [
        failing(1, "invalid_number", "an invalid phone number", .start, .invalidParameter("To", hint: "")),
        failing(2, "landline", "a landline: SMS is not supported", .start, FaultRule.knownError(60205)),
        failing(
            3, "fraud_guard", "blocked by Fraud Guard (a safe-listed number or RiskCheck=disable passes)",
            .start, FaultRule.knownError(60410)),
        failing(
            4, "concurrent_requests", "too many concurrent requests for the number", .start,
            FaultRule.knownError(60212)),
        failing(5, "max_send_attempts", "max send attempts reached", .start, FaultRule.knownError(60203)),
        failing(6, "platform_rate_limit", "Twilio's platform rate limit", .start, FaultRule.knownError(20429)),
        failing(7, "internal_error", "Twilio internal error", .start, FaultRule.knownError(20500)),
        failing(8, "service_unavailable", "Twilio unavailable", .start, FaultRule.knownError(20503)),
        Outcome(
            outcome: "slow_send", description: "a slow send: answered after 3 seconds, then delivered as usual",
            numbers: numbers(9), on: .start, httpStatus: 201, errorCode: nil, delaySeconds: 3, error: nil),
        failing(
            10, "max_check_attempts", "starts fine; every check answers max check attempts reached", .check,
            FaultRule.knownError(60202)),
        failing(
            11, "sna_invalid_number", "an invalid number for silent network auth: do not fall back to SMS",
            .start, FaultRule.knownError(60540)),
        Outcome(
            outcome: "sna_mismatch",
            description: "on sna: opening the SNA URL answers ErrorCode=60500 (the SIM does not match the number)",
            numbers: numbers(12), on: .delivery, httpStatus: nil, errorCode: 60500, delaySeconds: nil, error: nil),
        Outcome(
            outcome: "delayed_delivery",
            description:
                "starts fine; the code reaches the messages list, the inbox and the delivery webhook 30 seconds later on the emulator clock (advance it to deliver at once)",
            numbers: numbers(13), on: .delivery, httpStatus: 201, errorCode: nil, delaySeconds: 30, error: nil),
        Outcome(
            outcome: "never_delivered",
            description: "starts fine and counts as a send attempt, but the code never reaches the phone",
            numbers: numbers(14), on: .delivery, httpStatus: 201, errorCode: nil, delaySeconds: nil, error: nil),
    ]

    /// When the code sent to `to` reaches the phone, for the delivery outcomes that hold it back.
    static func withheldDelivery(for to: String) -> WithheldDelivery? {
        guard let outcome = outcome(for: to, on: .delivery), outcome.errorCode == nil else { return nil }
        return outcome.delaySeconds.map { .after(milliseconds: Int64($0 * 1000)) } ?? .never
    }

    /// Whether opening the SNA URL for `to` answers a SIM mismatch.
    static func isSNAMismatch(_ to: String) -> Bool { outcome(for: to, on: .delivery)?.errorCode == 60500 }

    /// The outcome `to` has at `moment`, if `to` is a catalogue number.
    static func outcome(for to: String, on moment: OutcomeMoment) -> Outcome? {
        guard to.hasPrefix(prefix), to.utf8.count == prefix.utf8.count + 3 else { return nil }
        return byNumber[to].flatMap { $0.on == moment ? $0 : nil }
    }

    private static let byNumber: [String: Outcome] = Dictionary(
        uniqueKeysWithValues: all.flatMap { outcome in outcome.numbers.map { ($0, outcome) } })

    private static func numbers(_ index: Int) -> [String] {
        (0...9).map { prefix + (index < 10 ? "0" : "") + "\(index)\($0)" }
    }

    private static func failing(
        _ index: Int, _ name: String, _ description: String, _ moment: OutcomeMoment, _ error: TwilioError?
    ) -> Outcome {
        var error = error ?? .internalError(hint: "")
        error.hint = "the outcome catalogue: \(name) (\(description)); see GET /emulator/v1/outcomes"
        return Outcome(
            outcome: name, description: description, numbers: numbers(index), on: moment, httpStatus: error.status,
            errorCode: error.code, delaySeconds: nil, error: error)
    }
}

/// Applies the catalogue to a start or a check: throws the outcome's error, or waits its delay.
/// A number outside the catalogue costs one prefix comparison.
struct CatalogueOutcomes: Sendable {
    /// A safe-listed number passes Fraud Guard, as on Twilio.
    let safeList: SafeListStore

    func apply(to: String, on moment: OutcomeMoment, account: SID, riskCheckDisabled: Bool = false) async throws {
        guard let outcome = OutcomeCatalogue.outcome(for: to, on: moment) else { return }
        if outcome.isFraudGuard {
            if riskCheckDisabled { return }
            if try await safeList.contains(account: account, number: to) { return }
        }
        if let delay = outcome.delaySeconds { try await Task.sleep(for: .seconds(delay)) }
        if let error = outcome.error { throw error }
    }
}
