import Hummingbird
import VerifyWire

/// `/emulator/v1/accounts`: accounts made and removed at run time, one per parallel test worker
/// (see ``AccountStore``).
///
/// ```
/// POST   /emulator/v1/accounts            {"friendly_name": "worker 3"}   → 201 {"account_sid", "auth_token", "service_sid", ...}
/// GET    /emulator/v1/accounts            → {"accounts": [{"account_sid", "friendly_name", "kind"}]}
/// DELETE /emulator/v1/accounts/AC…        → 204, with every row it held
/// ```
struct AccountsAPI: Sendable {
    let accounts: AccountStore
    let directory: AccountDirectory

    struct Creation: Decodable, Sendable {
        var friendlyName: String?

        enum CodingKeys: String, CodingKey {
            case friendlyName = "friendly_name"
        }
    }

    struct Listed: Encodable, Sendable {
        var accountSid: String
        var friendlyName: String
        var kind: AccountDirectory.AccountKind

        enum CodingKeys: String, CodingKey {
            case kind
            case accountSid = "account_sid"
            case friendlyName = "friendly_name"
        }
    }

    func addRoutes(to router: Router<EmulatorRequestContext>) {
        router.post("/emulator/v1/accounts") { request, context in
            let body = try await request.controlBody(
                Creation.self, accepts: AcceptedKeys.accountCreation, context: context)
            let name = body.friendlyName ?? "Test worker"
            guard !name.isEmpty, name.count <= 64 else {
                throw TwilioError.invalidParameter("friendly_name", hint: "friendly_name must be 1 to 64 characters")
            }
            return try JSONResponse.make(try await accounts.create(friendlyName: name), status: .created)
        }
        router.get("/emulator/v1/accounts") { _, _ in
            let listed = directory.all().map { account, kind in
                Listed(accountSid: account.sid.rawValue, friendlyName: account.friendlyName, kind: kind)
            }
            return try JSONResponse.make(["accounts": listed])
        }
        router.delete("/emulator/v1/accounts/:account") { _, context in
            let text = context.parameters.get("account") ?? ""
            guard let sid = SID(text, expecting: .account) else {
                throw TwilioError.notFound(
                    context.requestPath, hint: "'\(text)' is not an account SID (AC + 32 hex digits)")
            }
            if directory.kind(of: sid) == .configured {
                throw TwilioError(
                    code: 20403, status: 403, message: "Configured accounts cannot be deleted",
                    hint: "\(sid) comes from the configuration (--account-sid or the fixtures); "
                        + "only accounts made with POST /emulator/v1/accounts can be deleted")
            }
            guard try await accounts.delete(sid) else {
                throw TwilioError.notFound(context.requestPath, hint: "no account \(sid)")
            }
            return Response(status: .noContent)
        }
    }
}
