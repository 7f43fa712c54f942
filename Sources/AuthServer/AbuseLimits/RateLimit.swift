/// One sliding-window limit: at most ``limit`` events per key in ``window`` seconds.
struct RateLimit: Sendable {
    /// What is counted; stored with every hit, so one table holds every limit.
    enum Kind: String, Sendable, CaseIterable {
        case sendPerRecipient = "send/recipient"
        case sendPerIP = "send/ip"
        case verifyPerRecipient = "verify/recipient"
        case verifyPerIP = "verify/ip"
        case loginPerAccount = "login/account"
        case loginPerIP = "login/ip"
        case registerPerIP = "register/ip"
        /// SMS sends under a number prefix (`SEND_LIMIT_PER_PREFIX`), and to every number.
        case sendPerPrefix = "send/prefix"
        case sendGlobal = "send/global"
    }

    let kind: Kind
    let limit: Int
    /// Seconds.
    let window: Double
}
