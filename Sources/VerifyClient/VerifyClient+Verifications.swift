import NIOHTTP1
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Sending a code (SMS, call, email, WhatsApp) and checking it.
extension VerifyClient {
    // MARK: Verifications

    public struct StartOptions: Sendable {
        public var locale: String?
        public var customFriendlyName: String?
        public var customCode: String?
        /// `RateLimits`: unique name -> value (e.g. `["end_user_ip_address": "1.2.3.4"]`).
        public var rateLimits: [String: String]

        public init(
            locale: String? = nil, customFriendlyName: String? = nil, customCode: String? = nil,
            rateLimits: [String: String] = [:]
        ) {
            self.locale = locale
            self.customFriendlyName = customFriendlyName
            self.customCode = customCode
            self.rateLimits = rateLimits
        }
    }

    public func startVerification(
        serviceSid: String, to: String, channel: Channel, options: StartOptions = StartOptions()
    ) async throws -> VerificationResource {
        var form = FormData([(name: "To", value: to), (name: "Channel", value: channel.rawValue)])
        if let locale = options.locale { form.append("Locale", locale) }
        if let name = options.customFriendlyName { form.append("CustomFriendlyName", name) }
        if let code = options.customCode { form.append("CustomCode", code) }
        if !options.rateLimits.isEmpty {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            form.append("RateLimits", String(decoding: try encoder.encode(options.rateLimits), as: UTF8.self))
        }
        return try await send(.POST, "/v2/Services/\(serviceSid)/Verifications", form: form)
    }

    public func fetchVerification(serviceSid: String, sid: String) async throws -> VerificationResource {
        try await send(.GET, "/v2/Services/\(serviceSid)/Verifications/\(sid)")
    }

    public enum FinalStatus: String, Sendable {
        case canceled, approved
    }

    public func updateVerification(
        serviceSid: String, sid: String, status: FinalStatus
    ) async throws
        -> VerificationResource
    {
        try await send(
            .POST, "/v2/Services/\(serviceSid)/Verifications/\(sid)",
            form: FormData([(name: "Status", value: status.rawValue)]))
    }

    /// Checks a code for the pending verification of `to`.
    public func checkVerification(
        serviceSid: String, to: String, code: String
    ) async throws
        -> VerificationCheckResource
    {
        try await send(
            .POST, "/v2/Services/\(serviceSid)/VerificationCheck",
            form: FormData([(name: "To", value: to), (name: "Code", value: code)]))
    }

    /// Checks a code for a verification by SID.
    public func checkVerification(
        serviceSid: String, verificationSid: String, code: String
    ) async throws
        -> VerificationCheckResource
    {
        try await send(
            .POST, "/v2/Services/\(serviceSid)/VerificationCheck",
            form: FormData([(name: "VerificationSid", value: verificationSid), (name: "Code", value: code)]))
    }
}
