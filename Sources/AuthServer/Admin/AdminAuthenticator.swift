import Crypto
import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Guards `/api/admin/`: `Authorization: Bearer $ADMIN_TOKEN`, compared as SHA-256 digests (in
/// constant time, whatever the length sent). Without `ADMIN_TOKEN` the admin API does not exist:
/// every admin path answers the 404 an unknown path gets, so a scan learns nothing.
struct AdminAuthenticator: RouterMiddleware {
    typealias Context = AuthRequestContext

    /// The token's digest; nil when no admin token is configured.
    let digest: SHA256.Digest?

    init(token: String?) {
        digest = token.map { SHA256.hash(data: Data($0.utf8)) }
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let digest else { throw APIError(status: .notFound, message: "Not found") }
        let header = request.headers[.authorization] ?? ""
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
            SHA256.hash(data: Data(parts[1].utf8)) == digest
        else {
            throw APIError.unauthorized("The admin API needs Authorization: Bearer with the ADMIN_TOKEN")
        }
        return try await next(request, context)
    }
}
