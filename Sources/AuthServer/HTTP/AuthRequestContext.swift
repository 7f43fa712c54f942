import Hummingbird
import HummingbirdAuth
import NIOCore
import VerifyWire

/// The auth server's request context: Hummingbird's, plus the client's address; for the web
/// pages the browser session and the posted form; and who the request is from: the signed-in
/// account (by web session, or by bearer token on the JSON API) and the bearer token's claims.
public struct AuthRequestContext: RequestContext, RemoteAddressRequestContext, SessionRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public let sessions = SessionContext<WebSession>()
    var form = FormData()
    /// The CSRF token of a visitor without a session, from the `auth_csrf` cookie or new (set by
    /// ``WebRequestMiddleware``): forms work before there is anything to keep server-side.
    var visitorCSRFToken = ""
    /// The signed-in account: set by ``WebRequestMiddleware`` from the browser session, or by
    /// ``BearerAuthenticator`` from an account's access token.
    var account: UserAccount?
    /// The verified claims of the request's bearer token, set by ``BearerAuthenticator``.
    var bearer: AccessClaims?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP: the connection's peer, or behind `trustedProxies` proxies the
    /// `X-Forwarded-For` entry that many places from the right (the one the outermost trusted
    /// proxy appended; the client can write only entries to the left of it). With fewer entries
    /// than proxies the request did not come through them all, and the peer is used.
    func clientIP(_ request: Request, trustedProxies: Int) -> String {
        if trustedProxies > 0 {
            // every X-Forwarded-For field, in order, as one list
            let entries = request.headers[values: .init("X-Forwarded-For")!].flatMap { $0.split(separator: ",") }
            if entries.count >= trustedProxies {
                let entry = entries[entries.count - trustedProxies].trimmingWhitespace()
                if !entry.isEmpty { return String(entry) }
            }
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }
}

extension AuthRequestContext {
    /// The bearer token's claims on a route behind ``BearerAuthenticator``.
    func requireBearer() throws -> AccessClaims {
        guard let bearer else { throw APIError.unauthorized("Missing Authorization Header") }
        return bearer
    }

    /// The account on a route behind ``BearerAuthenticator`` admitting accounts only.
    func requireAccount() throws -> UserAccount {
        guard let account else { throw APIError.unauthorized("Unknown account") }
        return account
    }
}
