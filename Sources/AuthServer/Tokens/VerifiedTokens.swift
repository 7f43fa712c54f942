import Synchronization

/// A bounded map of verified token texts to their claims (emptied when full).
final class VerifiedTokens: Sendable {
    private let cache = Mutex<[String: (AccessClaims, String)]>([:])
    let limit = 10_000

    /// The claims and key id of a token that verified before.
    func claims(for token: String) -> (AccessClaims, String)? {
        cache.withLock { $0[token] }
    }

    func remember(_ token: String, _ claims: AccessClaims, kid: String) {
        cache.withLock { cache in
            if cache.count >= limit { cache.removeAll(keepingCapacity: true) }
            cache[token] = (claims, kid)
        }
    }
}
