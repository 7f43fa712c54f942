import Hummingbird
import JWTKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The caller's signed-in devices (refresh-token families): `GET /api/auth/sessions` lists them,
/// `DELETE /api/auth/sessions/{id}` ends one, `DELETE /api/auth/sessions` ends every one but the
/// caller's own ("log out everywhere else"). An ended session's refresh token stops working and
/// its access tokens are refused at once, on every replica.
struct SessionsController: Sendable {
    let sessions: DeviceSessions

    func addRoutes(signedIn: RouterGroup<AuthRequestContext>) {
        signedIn.get("/api/auth/sessions", use: list)
        signedIn.delete("/api/auth/sessions/:id", use: endOne)
        signedIn.delete("/api/auth/sessions", use: endOthers)
    }

    struct Sessions: Encodable {
        var sessions: [DeviceSession]
    }

    struct Ended: Encodable {
        var ended: Int
    }

    @Sendable func list(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let claims = try context.requireBearer()
        let list = try await sessions.list(subject: claims.sub.value, current: claims.fid)
        return try JSONResponse.uncached(Sessions(sessions: list))
    }

    @Sendable func endOne(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let claims = try context.requireBearer()
        let id = context.parameters.get("id") ?? ""
        let ended = try await sessions.end(subject: claims.sub.value, only: id, keeping: nil)
        guard !ended.isEmpty else {
            throw APIError(status: .notFound, message: "You have no session \(id)")
        }
        return try JSONResponse.make(Ended(ended: ended.count))
    }

    @Sendable func endOthers(_ request: Request, context: AuthRequestContext) async throws -> Response {
        let claims = try context.requireBearer()
        let ended = try await sessions.end(subject: claims.sub.value, only: nil, keeping: claims.fid)
        return try JSONResponse.make(Ended(ended: ended.count))
    }
}
