import GRDB
import Hummingbird
import VerifyWire

/// The control API's push part: virtual devices (`/emulator/v1/devices`) and push challenges
/// (`/emulator/v1/challenges`), which a virtual device answers on request, as a user tapping
/// Approve or Deny on the phone.
struct DevicesAPI: Sendable {
    let devices: VirtualDevices
    let control: ControlStore

    /// `POST /emulator/v1/devices`: what a device enrolment takes.
    struct Enrolment: Decodable, Sendable {
        var serviceSid: String
        var identity: String
        var friendlyName: String?

        enum CodingKeys: String, CodingKey {
            case identity
            case serviceSid = "service_sid"
            case friendlyName = "friendly_name"
        }
    }

    func addRoutes(to router: Router<EmulatorRequestContext>) {
        router.post("/emulator/v1/devices", use: enrol)
        router.get("/emulator/v1/devices") { _, _ in
            try JSONResponse.make(["devices": try await devices.list().map(VirtualDevices.Summary.init)])
        }
        router.get("/emulator/v1/challenges", use: listChallenges)
        router.post("/emulator/v1/challenges/:challenge/approve") { request, context in
            try await answer(request, context, .approved)
        }
        router.post("/emulator/v1/challenges/:challenge/deny") { request, context in
            try await answer(request, context, .denied)
        }
    }

    /// `POST /emulator/v1/devices {"service_sid", "identity", "friendly_name"}`: a verified push
    /// factor whose phone is the emulator.
    @Sendable func enrol(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let body = try await request.controlBody(
            Enrolment.self, accepts: AcceptedKeys.deviceEnrolment, context: context)
        guard let service = SID(body.serviceSid, expecting: .service) else {
            throw TwilioError.invalidParameter("service_sid", hint: "service_sid must be VA followed by 32 hex digits")
        }
        let name = body.friendlyName ?? "Virtual device"
        guard (1...64).contains(name.count) else {
            throw TwilioError.invalidParameter("friendly_name", hint: "friendly_name must be 1 to 64 characters")
        }
        let factor = try await devices.enrol(
            service: service, identity: body.identity, friendlyName: name)
        return try JSONResponse.make(VirtualDevices.Summary(factor), status: .created)
    }

    /// `GET /emulator/v1/challenges?identity=&service_sid=&status=&limit=`: push challenges,
    /// newest first.
    @Sendable func listChallenges(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let query = try request.queryForm()
        var status: ChallengeStatus?
        if let text = query["status"] {
            guard let known = ChallengeStatus(rawValue: text) else {
                throw TwilioError.invalidParameter(
                    "status", hint: "status must be one of pending, expired, approved, denied")
            }
            status = known
        }
        let challenges = try await control.pushChallenges(
            identity: query["identity"], serviceSid: query["service_sid"], status: status,
            limit: try query.int("limit", in: 1...1000) ?? 50)
        return try JSONResponse.make(["challenges": challenges])
    }

    private func answer(
        _ request: Request, _ context: EmulatorRequestContext, _ answer: ChallengeStatus
    ) async throws -> Response {
        let sid = try context.pathSID("challenge", .challenge, path: context.requestPath)
        let challenge = try await devices.answer(challenge: sid, with: answer)
        let summaries = try await control.pushChallenges(sid: challenge.sid)
        return try JSONResponse.make(summaries.first)
    }
}

extension ControlStore {
    func pushChallenges(
        identity: String? = nil, serviceSid: String? = nil, status: ChallengeStatus? = nil, limit: Int = 50,
        sid: String? = nil
    ) async throws -> [PushChallengeSummary] {
        let now = clock.now().epochMilliseconds
        return try await writer.read { db in
            try PushChallengeSummary.list(
                db, now: now, sid: sid, identity: identity, serviceSid: serviceSid, status: status, limit: limit)
        }
    }
}
