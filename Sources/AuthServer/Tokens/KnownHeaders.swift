import Synchronization

/// JWT header segments (their exact base64url text) that passed ``TokenService``'s header
/// checks, with their key id. A server writes one header per key, so a few entries serve every
/// token; the map stops growing at ``limit``, since anyone can write more headers that pass
/// (the same fields in another order), and an unknown one is only decoded and checked again.
final class KnownHeaders: Sendable {
    private let headers = Mutex<[Substring: String]>([:])
    let limit = 64

    func kid(of segment: Substring) -> String? {
        headers.withLock { $0[segment] }
    }

    func remember(_ segment: Substring, kid: String) {
        headers.withLock { headers in
            if headers.count < limit { headers[Substring(String(segment))] = kid }  // not the whole token's storage
        }
    }
}
