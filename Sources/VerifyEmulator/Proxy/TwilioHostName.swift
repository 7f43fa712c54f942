/// A host name under `twilio.com`: the only names the proxy opens a tunnel to, the local CA
/// signs, and the emulator answers as Twilio.
///
/// ```swift
/// TwilioHostName("verify.twilio.com:443")?.isVerify   // true
/// TwilioHostName("api.twilio.com")?.isVerify          // false: answered "not emulated"
/// TwilioHostName("example.com")                       // nil: refused, never forwarded
/// ```
public struct TwilioHostName: Sendable, Hashable, CustomStringConvertible {
    /// Lowercased, without a port or a trailing dot.
    public let name: String

    /// From a host name or a `Host` / CONNECT authority (`verify.twilio.com:443`).
    public init?(_ authority: String) {
        let name = AllowedHosts.name(of: authority)
        let domain = LocalCertificateAuthority.permittedDomain
        guard name == domain || name.hasSuffix("." + domain),
            name.utf8.count <= 253,
            name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ label in
                !label.isEmpty && label.count <= 63
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            })
        else { return nil }
        self.name = name
    }

    /// Verify's host, in any region or edge (`verify.twilio.com`, `verify.dublin.ie1.twilio.com`):
    /// the SDKs build it from the product's name as the first label.
    public var isVerify: Bool { name.hasPrefix("verify.") }

    public var description: String { name }
}
