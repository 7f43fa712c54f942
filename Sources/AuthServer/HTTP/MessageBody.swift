/// `{"message": …}`: an action's outcome in words.
struct MessageBody: Encodable, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}

/// `{"status": "ok"}` of `/healthz`.
struct HealthBody: Encodable, Sendable {
    var status = "ok"
}
