import VerifyWire

#if canImport(Glibc)
import Glibc
#endif

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The checks of the start parameters the spec restricts, each a 400 / 60200 naming the
/// parameter, instead of a value silently accepted.
extension StartVerificationRequest {
    /// `RiskCheck`: `enable` (the default) keeps Fraud Guard; `disable` bypasses it.
    enum RiskCheck: String, Sendable {
        case enable, disable
    }

    static func riskCheck(_ form: FormData) throws(TwilioError) -> RiskCheck {
        guard let text = try form.string("RiskCheck") else { return .enable }
        guard let value = RiskCheck(rawValue: text) else {
            throw .invalidParameter("RiskCheck", hint: "RiskCheck must be enable or disable, not '\(text)'")
        }
        return value
    }

    /// `Tags`: a JSON object of at most 10 string pairs, keys and values up to 128 characters.
    static func checkTags(_ form: FormData) throws(TwilioError) {
        guard let text = try form.string("Tags") else { return }
        guard let tags = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)) else {
            throw .invalidParameter("Tags", hint: "Tags must be a JSON object of strings, e.g. {\"order\": \"42\"}")
        }
        guard tags.count <= 10 else {
            throw .invalidParameter("Tags", hint: "Tags holds \(tags.count) tags; at most 10")
        }
        if let long = tags.first(where: { $0.key.count > 128 || $0.value.count > 128 }) {
            throw .invalidParameter(
                "Tags", hint: "tag '\(long.key.prefix(20))…': keys and values are at most 128 characters")
        }
    }

    /// `ChannelConfiguration`: a JSON object; its `from`, when given, an email address, and its
    /// `from_name` text.
    static func checkChannelConfiguration(_ form: FormData) throws(TwilioError) {
        guard let text = try form.string("ChannelConfiguration") else { return }
        guard let object = try? JSONDecoder().decode([String: ChannelConfigurationValue].self, from: Data(text.utf8))
        else {
            throw .invalidParameter("ChannelConfiguration", hint: "ChannelConfiguration must be a JSON object")
        }
        if let from = object["from"] {
            guard case .text(let address) = from, Recipient.emailProblem(address) == nil else {
                throw .invalidParameter(
                    "ChannelConfiguration", hint: "ChannelConfiguration.from must be an email address")
            }
        }
        if let name = object["from_name"], case .other = name {
            throw .invalidParameter("ChannelConfiguration", hint: "ChannelConfiguration.from_name must be text")
        }
    }

    /// A value of the `ChannelConfiguration` object: text, or something else.
    enum ChannelConfigurationValue: Decodable {
        case text(String)
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            self = (try? container.decode(String.self)).map(Self.text) ?? .other
        }
    }

    /// `DeviceIp`: an IPv4 or IPv6 address.
    static func checkDeviceIp(_ form: FormData) throws(TwilioError) {
        guard let text = try form.string("DeviceIp") else { return }
        var v4 = in_addr()
        var v6 = in6_addr()
        guard inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1 else {
            throw .invalidParameter("DeviceIp", hint: "DeviceIp '\(text)' is not an IPv4 or IPv6 address")
        }
    }

    /// `Amount` and `Payee`, PSD2's transaction details, come together.
    static func checkTransaction(amount: String?, payee: String?) throws(TwilioError) {
        if amount != nil, payee == nil {
            throw .invalidParameter("Payee", hint: "Payee is required with Amount (PSD2)")
        }
        if payee != nil, amount == nil {
            throw .invalidParameter("Amount", hint: "Amount is required with Payee (PSD2)")
        }
    }
}
