import NIOHTTP1
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Verify services: the settings every verification, factor and passkey of an app shares.
extension VerifyClient {
    // MARK: Services

    /// Settable service parameters; nil ones are not sent.
    public struct ServiceOptions: Sendable {
        public var friendlyName: String?
        public var codeLength: Int?
        public var customCodeEnabled: Bool?
        public var doNotShareWarningEnabled: Bool?
        public var lookupEnabled: Bool?
        /// The issuer authenticator apps show beside a TOTP factor (`Totp.Issuer`).
        public var totpIssuer: String?
        /// Where passkeys are bound: the domain, its name, and the origins a ceremony may come from.
        public var passkeysRelyingParty: PasskeysConfig.RelyingParty?
        /// `platform`, `cross-platform` or `any`.
        public var passkeysAuthenticatorAttachment: String?
        /// `required`, `preferred` or `discouraged`.
        public var passkeysDiscoverableCredentials: String?
        /// `required`, `preferred` or `discouraged`.
        public var passkeysUserVerification: String?

        public init(
            friendlyName: String? = nil, codeLength: Int? = nil, customCodeEnabled: Bool? = nil,
            doNotShareWarningEnabled: Bool? = nil, lookupEnabled: Bool? = nil, totpIssuer: String? = nil,
            passkeysRelyingParty: PasskeysConfig.RelyingParty? = nil, passkeysAuthenticatorAttachment: String? = nil,
            passkeysDiscoverableCredentials: String? = nil, passkeysUserVerification: String? = nil
        ) {
            self.friendlyName = friendlyName
            self.codeLength = codeLength
            self.customCodeEnabled = customCodeEnabled
            self.doNotShareWarningEnabled = doNotShareWarningEnabled
            self.lookupEnabled = lookupEnabled
            self.totpIssuer = totpIssuer
            self.passkeysRelyingParty = passkeysRelyingParty
            self.passkeysAuthenticatorAttachment = passkeysAuthenticatorAttachment
            self.passkeysDiscoverableCredentials = passkeysDiscoverableCredentials
            self.passkeysUserVerification = passkeysUserVerification
        }

        var form: FormData {
            var form = FormData()
            if let friendlyName { form.append("FriendlyName", friendlyName) }
            if let codeLength { form.append("CodeLength", String(codeLength)) }
            if let customCodeEnabled { form.append("CustomCodeEnabled", String(customCodeEnabled)) }
            if let doNotShareWarningEnabled {
                form.append("DoNotShareWarningEnabled", String(doNotShareWarningEnabled))
            }
            if let lookupEnabled { form.append("LookupEnabled", String(lookupEnabled)) }
            if let totpIssuer { form.append("Totp.Issuer", totpIssuer) }
            if let party = passkeysRelyingParty {
                form.append("Passkeys.RelyingParty.Id", party.id)
                form.append("Passkeys.RelyingParty.Name", party.name)
                form.append("Passkeys.RelyingParty.Origins", party.origins.joined(separator: ","))
            }
            if let value = passkeysAuthenticatorAttachment { form.append("Passkeys.AuthenticatorAttachment", value) }
            if let value = passkeysDiscoverableCredentials { form.append("Passkeys.DiscoverableCredentials", value) }
            if let value = passkeysUserVerification { form.append("Passkeys.UserVerification", value) }
            return form
        }
    }

    public func createService(_ options: ServiceOptions) async throws -> ServiceResource {
        try await send(.POST, "/v2/Services", form: options.form)
    }

    public func fetchService(sid: String) async throws -> ServiceResource {
        try await send(.GET, "/v2/Services/\(sid)")
    }

    public func updateService(sid: String, _ options: ServiceOptions) async throws -> ServiceResource {
        try await send(.POST, "/v2/Services/\(sid)", form: options.form)
    }

    public func deleteService(sid: String) async throws {
        try await sendWithoutBody(.DELETE, "/v2/Services/\(sid)")
    }

    /// Every service of the account, following Twilio's paging.
    public func listServices(pageSize: Int = 50) async throws -> [ServiceResource] {
        try await listAll("/v2/Services", pageSize: pageSize)
    }
}
