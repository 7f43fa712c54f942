/// `{"message": …}`: an action's outcome in words.
struct MessageBody: Encodable, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}

/// `{"status": "ok"}` of `/healthz`.
struct HealthBody: Encodable, Sendable {
    var status = "ok"
}

/// `GET /readyz`: `{"status": "ready"}`, or `{"status": "unavailable", "reason": …}` with 503.
struct ReadinessBody: Encodable, Sendable {
    var status: String
    var reason: String?
}
