/// A passkeys factor's relying party and authenticator settings, as its `config` shows them and
/// as the Service's `passkeys` settings default them.
public struct PasskeysConfig: Codable, Sendable, Equatable {
    public var relyingParty: RelyingParty
    /// `platform`, `cross-platform` or `any`.
    public var authenticatorAttachment: String
    /// `required`, `preferred` or `discouraged`.
    public var discoverableCredentials: String
    /// `required`, `preferred` or `discouraged`.
    public var userVerification: String

    public struct RelyingParty: Codable, Sendable, Equatable {
        /// The domain passkeys are bound to (no scheme or port).
        public var id: String
        public var name: String
        /// The origins a ceremony may come from (`https://login.example.com`).
        public var origins: [String]

        public init(id: String, name: String, origins: [String]) {
            self.id = id
            self.name = name
            self.origins = origins
        }
    }

    public init(
        relyingParty: RelyingParty, authenticatorAttachment: String, discoverableCredentials: String,
        userVerification: String
    ) {
        self.relyingParty = relyingParty
        self.authenticatorAttachment = authenticatorAttachment
        self.discoverableCredentials = discoverableCredentials
        self.userVerification = userVerification
    }

    enum CodingKeys: String, CodingKey {
        case relyingParty = "relying_party"
        case authenticatorAttachment = "authenticator_attachment"
        case discoverableCredentials = "discoverable_credentials"
        case userVerification = "user_verification"
    }
}

/// WebAuthn's `PublicKeyCredentialCreationOptions` in their JSON form (binary values in
/// base64url), which a page passes to `navigator.credentials.create` after decoding them (or to
/// `PublicKeyCredential.parseCreationOptionsFromJSON`).
public struct PasskeyCreationOptions: Codable, Sendable, Equatable {
    public var rp: Entity
    public var user: User
    public var challenge: String
    public var pubKeyCredParams: [CredentialParameter]
    public var timeout: Int
    public var excludeCredentials: [CredentialDescriptor]
    public var authenticatorSelection: AuthenticatorSelection
    public var attestation: String

    public struct Entity: Codable, Sendable, Equatable {
        public var id: String
        public var name: String

        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    public struct User: Codable, Sendable, Equatable {
        /// base64url of the entity SID.
        public var id: String
        public var name: String
        public var displayName: String

        public init(id: String, name: String, displayName: String) {
            self.id = id
            self.name = name
            self.displayName = displayName
        }
    }

    public struct CredentialParameter: Codable, Sendable, Equatable {
        public var type: String
        /// A COSE algorithm: -7 is ES256.
        public var alg: Int

        public init(type: String = "public-key", alg: Int) {
            self.type = type
            self.alg = alg
        }
    }

    public struct AuthenticatorSelection: Codable, Sendable, Equatable {
        /// Absent when any attachment will do.
        public var authenticatorAttachment: String?
        public var requireResidentKey: Bool
        public var residentKey: String
        public var userVerification: String

        public init(
            authenticatorAttachment: String?, requireResidentKey: Bool, residentKey: String, userVerification: String
        ) {
            self.authenticatorAttachment = authenticatorAttachment
            self.requireResidentKey = requireResidentKey
            self.residentKey = residentKey
            self.userVerification = userVerification
        }
    }

    public init(
        rp: Entity, user: User, challenge: String, pubKeyCredParams: [CredentialParameter], timeout: Int,
        excludeCredentials: [CredentialDescriptor], authenticatorSelection: AuthenticatorSelection, attestation: String
    ) {
        self.rp = rp
        self.user = user
        self.challenge = challenge
        self.pubKeyCredParams = pubKeyCredParams
        self.timeout = timeout
        self.excludeCredentials = excludeCredentials
        self.authenticatorSelection = authenticatorSelection
        self.attestation = attestation
    }
}

/// WebAuthn's `PublicKeyCredentialRequestOptions` in their JSON form, for
/// `navigator.credentials.get`. No `allowCredentials` entries: a usernameless sign-in.
public struct PasskeyRequestOptions: Codable, Sendable, Equatable {
    public var challenge: String
    public var timeout: Int
    public var rpId: String
    public var allowCredentials: [CredentialDescriptor]
    public var userVerification: String

    public init(
        challenge: String, timeout: Int, rpId: String, allowCredentials: [CredentialDescriptor],
        userVerification: String
    ) {
        self.challenge = challenge
        self.timeout = timeout
        self.rpId = rpId
        self.allowCredentials = allowCredentials
        self.userVerification = userVerification
    }
}

/// A credential named in options: its type and base64url id.
public struct CredentialDescriptor: Codable, Sendable, Equatable {
    public var type: String
    public var id: String
    public var transports: [String]?

    public init(type: String = "public-key", id: String, transports: [String]? = nil) {
        self.type = type
        self.id = id
        self.transports = transports
    }
}

/// `{"publicKey": …}`, the wrapper Twilio puts options in.
public struct PublicKeyOptions<Options: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var publicKey: Options

    public init(publicKey: Options) {
        self.publicKey = publicKey
    }
}
