import Hummingbird
import VerifyWire

/// `POST /v2/Services/{VA}/Entities/{Identity}/Challenges/{YC}/Notifications`: sends a pending
/// push challenge's notification again (`Ttl` 0–300 s, default 300). The emulator delivers
/// nothing to a phone; it records the notification, which the control API shows beside the
/// challenge.
struct NotificationsController: Sendable {
    let challenges: ChallengeStore
    let urls: ResourceURLs

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add(
            "/v2/Services/:service/Entities/:identity/Challenges/:challenge/Notifications", endpoint: .notifications,
            post: create)
    }

    @Sendable func create(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let target = try context.factorTarget()
        let sid = try context.pathSID("challenge", .challenge, path: context.requestPath)
        let form = try await request.form(context: context)
        let ttl = try form.int("Ttl", in: 0...300) ?? 300
        let record = try await challenges.notify(target, sid: sid, ttl: ttl)
        return try JSONResponse.make(record.resource, status: .created)
    }
}
