import VerifyWire

/// An entity to exist from start-up with TOTP factors of known secrets, so a test computes
/// codes itself (with any RFC 6238 library) instead of reading them, and virtual push devices,
/// so a demo's push login has a phone to approve on from the first minute:
///
/// ```json
/// {"identity": "ff483d1f-f4d0-4fd5-8e9f-3f1c6b9b0f1a",
///  "factors": [{"sid": "YF…", "friendly_name": "Ada's phone", "secret": "JBSWY3DPEHPK3PXP", "status": "verified"}],
///  "devices": [{"sid": "YF…", "friendly_name": "Ada's virtual phone"}]}
/// ```
public struct EntityFixture: Codable, Sendable, Equatable {
    public var identity: String
    public var factors: [TOTPFactorFixture]
    public var devices: [DeviceFixture]

    /// A verified push factor whose phone is the emulator (a virtual device); `sid` is required
    /// so a restart finds it. Its key is made at start-up and kept in the database.
    public struct DeviceFixture: Codable, Sendable, Equatable {
        public var sid: SID
        public var friendlyName: String

        enum CodingKeys: String, CodingKey {
            case sid
            case friendlyName = "friendly_name"
        }

        /// Why this device cannot be created, naming the field; nil when it can.
        var problem: String? {
            if sid.prefix != .factor { return "sid: must be YF followed by 32 hex digits" }
            if friendlyName.isEmpty || friendlyName.count > 64 { return "friendly_name: must be 1 to 64 characters" }
            return nil
        }
    }

    /// A TOTP factor; `sid` is required so a restart finds it instead of making another.
    public struct TOTPFactorFixture: Codable, Sendable, Equatable {
        public var sid: SID
        public var friendlyName: String
        /// Base32.
        public var secret: String
        public var status: FactorStatus
        public var alg: TOTPAlgorithm
        public var codeLength: Int
        public var timeStep: Int
        public var skew: Int

        enum CodingKeys: String, CodingKey {
            case sid, secret, status, alg, skew
            case friendlyName = "friendly_name"
            case codeLength = "code_length"
            case timeStep = "time_step"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            sid = try c.decode(SID.self, forKey: .sid)
            friendlyName = try c.decode(String.self, forKey: .friendlyName)
            secret = try c.decode(String.self, forKey: .secret)
            status = try c.decodeIfPresent(FactorStatus.self, forKey: .status) ?? .verified
            alg = try c.decodeIfPresent(TOTPAlgorithm.self, forKey: .alg) ?? .sha1
            codeLength = try c.decodeIfPresent(Int.self, forKey: .codeLength) ?? 6
            timeStep = try c.decodeIfPresent(Int.self, forKey: .timeStep) ?? 30
            skew = try c.decodeIfPresent(Int.self, forKey: .skew) ?? 1
        }

        /// Why this factor cannot be created, naming the field; nil when it can.
        var problem: String? {
            if sid.prefix != .factor { return "sid: must be YF followed by 32 hex digits" }
            if friendlyName.isEmpty || friendlyName.count > 64 { return "friendly_name: must be 1 to 64 characters" }
            if (Base32.decode(secret)?.count ?? 0) < 10 { return "secret: must be base32 of 10 bytes or more" }
            if !(3...8).contains(codeLength) { return "code_length: must be 3 to 8" }
            if !(20...60).contains(timeStep) { return "time_step: must be 20 to 60 seconds" }
            if !(0...2).contains(skew) { return "skew: must be 0 to 2" }
            return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        identity = try c.decode(String.self, forKey: .identity)
        factors = try c.decodeIfPresent([TOTPFactorFixture].self, forKey: .factors) ?? []
        devices = try c.decodeIfPresent([DeviceFixture].self, forKey: .devices) ?? []
    }

    enum CodingKeys: String, CodingKey {
        case identity, factors, devices
    }
}
