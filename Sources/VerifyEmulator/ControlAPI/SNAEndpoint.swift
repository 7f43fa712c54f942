import Hummingbird
import NIOCore
import VerifyWire

/// `GET` or `POST /emulator/v1/sna/{VL}/{token}`: the SNA URL of a verification attempt, as a
/// phone opens it over its mobile data. It answers as Twilio's SNA endpoint does, a 200 whose
/// body is `ErrorCode=0&ErrorDescription=Success&Carrier=EMU` (or an SNA error code), and the
/// verification then approves on a check with no code.
struct SNAEndpoint: Sendable {
    let batcher: WriteBatcher
    let clock: EmulatorClock

    func addRoutes(to router: Router<EmulatorRequestContext>) {
        router.get("/emulator/v1/sna/:attempt/:token", use: invoke)
        router.post("/emulator/v1/sna/:attempt/:token", use: invoke)
    }

    @Sendable func invoke(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let attempt = context.parameters.get("attempt") ?? ""
        let token = context.parameters.get("token") ?? ""
        let now = clock.now().epochMilliseconds
        let outcome = try await batcher.write { db in
            try SilentNetworkAuth.invoke(db, attemptSid: attempt, token: token, now: now)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: outcome.body)))
    }
}
