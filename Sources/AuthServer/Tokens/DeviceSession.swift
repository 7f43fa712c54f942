/// One signed-in device: a refresh-token family, as the user sees it in their list of sessions.
struct DeviceSession: Sendable, Equatable, Encodable {
    /// The family's id, which `DELETE /api/auth/sessions/{id}` takes.
    var id: String
    var createdAt: Double
    var lastUsedAt: Double
    var ip: String?
    var userAgent: String?
    /// Whether the access token asking is this session's.
    var current = false

    enum CodingKeys: String, CodingKey {
        case id, ip, current
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case userAgent = "user_agent"
    }
}

/// Where a login or a refresh came from, kept with its session.
struct SessionClient: Sendable, Equatable {
    var ip: String
    var userAgent: String?

    /// A user agent as stored: at most 256 characters.
    init(ip: String, userAgent: String?) {
        self.ip = ip
        self.userAgent = userAgent.map { String($0.prefix(256)) }
    }
}
