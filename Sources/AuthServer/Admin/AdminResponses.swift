import VerifyWire

/// An account as the admin API shows it: everything but the password hash, the 2FA number in
/// full (an administrator helping its owner needs to read it).
struct AdminAccount: Encodable, Sendable {
    var accountSid: String
    var username: String
    var email: String
    var phoneNumber: String?
    var disabled: Bool
    var disabledAt: Double?
    var createdAt: Double
    /// The second factors on: `totp`, `push`, `sms`.
    var methods: [SecondFactor]
    /// With ``AdminController/show(_:context:)`` only.
    var passkeys: [AdminPasskey]?
    var recoveryCodesLeft: Int?
    var sessions: [DeviceSession]?

    init(_ account: UserAccount) {
        accountSid = account.sid
        username = account.username
        email = account.email
        phoneNumber = account.phone
        disabled = account.isDisabled
        disabledAt = account.disabledAt
        createdAt = account.createdAt
        methods = account.secondFactors
    }
}

struct AdminPasskey: Encodable, Sendable {
    var factorSid: String
    var name: String
    var createdAt: Double
}

struct AdminAccountList: Encodable, Sendable {
    var accounts: [AdminAccount]
}

struct AdminAuditList: Encodable, Sendable {
    var events: [AuditRecord]
    /// The `before` of the next (older) page, when there may be one.
    var nextBefore: Int64?
}

struct AdminWebhookList: Encodable, Sendable {
    /// Whether webhooks are configured (`WEBHOOK_URL`).
    var configured: Bool
    var url: String?
    var deliveries: [WebhookDelivery]
}

struct AdminFactorsRemoved: Encodable, Sendable {
    var removed: [String]
}

struct AdminSessionsEnded: Encodable, Sendable {
    var ended: Int
}

/// An OpenID Connect client as the admin API shows it: never its secret or the secret's hash,
/// except the secret made for it, in the answer that registered it.
struct AdminOAuthClient: Encodable, Sendable {
    var clientId: String
    var name: String
    var `public`: Bool
    var redirectUris: [String]
    var postLogoutRedirectUris: [String]
    var scopes: [String]
    var idTokenSignedResponseAlg: String
    /// `file` (`OAUTH_CLIENTS_FILE`) or `admin` (this API).
    var source: OAuthClientRegistry.Source
    var createdAt: Double?
    var clientSecret: String?

    init(_ registered: OAuthClientRegistry.Registered) {
        let client = registered.client
        clientId = client.id
        name = client.name
        `public` = client.isPublic
        redirectUris = client.redirectURIs
        postLogoutRedirectUris = client.postLogoutRedirectURIs
        scopes = OAuthScope.allCases.filter(client.scopes.contains).map(\.rawValue)
        idTokenSignedResponseAlg = client.idTokenAlgorithm.rawValue
        source = registered.source
        createdAt = registered.createdAt
    }
}

struct AdminOAuthClientList: Encodable, Sendable {
    var clients: [AdminOAuthClient]
}
