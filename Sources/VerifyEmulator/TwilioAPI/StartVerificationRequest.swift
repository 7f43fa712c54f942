import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A validated `POST /v2/Services/{VA}/Verifications` form.
struct StartVerificationRequest: Sendable {
    var to: String
    var channel: VerificationChannel
    var customFriendlyName: String?
    var customCode: String?
    var locale: String?
    var amount: String?
    var payee: String?
    var appHash: String?
    /// The template the message text comes from (``TemplateCatalogue``), with its substitutions.
    var templateSid: SID?
    var templateSubstitutions: [String: String] = [:]
    /// `RateLimits`: unique name of a rate limit -> the value to count against it.
    var rateLimits: [String: String] = [:]
    /// `RiskCheck=disable` bypasses Fraud Guard (read by the fault rules, which play it).
    var riskCheck: RiskCheck = .enable

    init(form: FormData) throws(TwilioError) {
        guard let channelText = try form.string("Channel", required: true) else {
            throw .invalidParameter("Channel", hint: "Channel is required")
        }
        guard let to = try form.string("To", required: true) else {
            throw .invalidParameter("To", hint: "To is required")
        }
        // `auto` picks SNA where the number's carriers have it, else SMS
        guard
            let channel = channelText == "auto"
                ? SilentNetworkAuth.autoChannel(for: to) : VerificationChannel(rawValue: channelText)
        else {
            throw .invalidParameter(
                "Channel",
                hint:
                    "Channel '\(channelText)' is not one of \(VerificationChannel.allCases.map(\.rawValue).joined(separator: ", ")), auto"
            )
        }
        if channel.isPhone {
            if let problem = Recipient.e164Problem(to) {
                throw .invalidParameter("To", hint: "To is not E.164: \(problem)")
            }
        } else if let problem = Recipient.emailProblem(to) {
            throw .invalidParameter("To", hint: "To is not an email address: \(problem)")
        }
        self.to = to
        self.channel = channel
        customFriendlyName = try form.string("CustomFriendlyName", maxLength: 30)
        customCode = try form.string("CustomCode")
        if let customCode {
            guard isWellFormedCode(customCode) else {
                throw .invalidParameter("CustomCode", hint: "CustomCode must be 4 to 10 letters or digits")
            }
        }
        locale = try form.string("Locale")
        if let locale, !MessageText.isWellFormedLocale(locale) {
            throw .invalidParameter("Locale", hint: "Locale '\(locale)' is not a language tag such as en, es or pt-BR")
        }
        amount = try form.string("Amount", maxLength: 255)
        payee = try form.string("Payee", maxLength: 255)
        try Self.checkTransaction(amount: amount, payee: payee)
        riskCheck = try Self.riskCheck(form)
        try Self.checkTags(form)
        try Self.checkChannelConfiguration(form)
        try Self.checkDeviceIp(form)
        appHash = try form.string("AppHash", maxLength: 64)
        if let sid = try form.sid("TemplateSid", .template) {
            guard let template = TemplateCatalogue.template(sid) else {
                throw .invalidParameter(
                    "TemplateSid", hint: "\(sid) is not a template of GET /v2/Templates")
            }
            templateSid = sid
            if let text = try form.string("TemplateCustomSubstitutions") {
                guard let values = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)) else {
                    throw .invalidParameter(
                        "TemplateCustomSubstitutions",
                        hint: "TemplateCustomSubstitutions must be a JSON object of strings")
                }
                templateSubstitutions = values
            }
            let given = Set(templateSubstitutions.keys)
            if let unknown = given.subtracting(template.customVariables).sorted().first {
                throw .invalidParameter(
                    "TemplateCustomSubstitutions", hint: "the template has no variable '\(unknown)'")
            }
            if let missing = template.customVariables.subtracting(given).sorted().first {
                throw .invalidParameter(
                    "TemplateCustomSubstitutions", hint: "the template needs a value for '\(missing)'")
            }
        } else if form["TemplateCustomSubstitutions"] != nil {
            throw .invalidParameter(
                "TemplateCustomSubstitutions", hint: "TemplateCustomSubstitutions needs a TemplateSid")
        }
        if let text = form["RateLimits"], !text.isEmpty {
            rateLimits = try Self.parseRateLimits(text)
        }
    }

    /// `RateLimits` is a JSON object of unique names to string or number values.
    static func parseRateLimits(_ text: String) throws(TwilioError) -> [String: String] {
        let values: [String: ScalarValue]
        do {
            values = try JSONDecoder().decode([String: ScalarValue].self, from: Data(text.utf8))
        } catch {
            throw .invalidParameter(
                "RateLimits", hint: "RateLimits must be a JSON object of names to strings or numbers")
        }
        return values.mapValues(\.text)
    }

    struct ScalarValue: Decodable {
        var text: String
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                text = string
            } else if let int = try? container.decode(Int.self) {
                text = String(int)
            } else {
                text = String(try container.decode(Double.self))
            }
        }
    }
}
