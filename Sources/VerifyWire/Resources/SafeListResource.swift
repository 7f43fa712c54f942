/// `verify.v2.safelist`: a phone number the account exempts from Fraud Guard and Geo
/// Permissions.
public struct SafeListResource: Codable, Sendable, Equatable {
    public var sid: String
    public var phoneNumber: String
    public var url: String

    public init(sid: String, phoneNumber: String, url: String) {
        self.sid = sid
        self.phoneNumber = phoneNumber
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case sid, url
        case phoneNumber = "phone_number"
    }
}
