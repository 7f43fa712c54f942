/// The Twilio lists the emulator pages: each one's `meta.key` and the query filters that define
/// it, in Twilio's spelling and in the order its OpenAPI lists them. Paging URLs carry these
/// filters (and only these), and a `PageToken` is good only for the list and filters it was
/// written for.
enum PagedList: String, Sendable, CaseIterable {
    case services
    case rateLimits = "rate_limits"
    case buckets
    case entities
    case factors
    case challenges
    case webhooks
    case messagingConfigurations = "messaging_configurations"
    case attempts
    case templates

    /// The list's `meta.key`, which is also the key of its items in the body.
    var key: String { rawValue }

    /// The query parameters that select rows of this list (the paging ones aside).
    var filterNames: [String] {
        switch self {
        case .challenges: ["FactorSid", "Status", "Order"]
        case .attempts:
            [
                "DateCreatedAfter", "DateCreatedBefore", "ChannelData.To", "Country", "Channel", "VerifyServiceSid",
                "VerificationSid", "Status",
            ]
        case .templates: ["FriendlyName"]
        case .services, .rateLimits, .buckets, .entities, .factors, .webhooks, .messagingConfigurations: []
        }
    }
}
