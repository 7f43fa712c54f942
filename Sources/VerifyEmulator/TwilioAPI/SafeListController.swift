import Hummingbird
import VerifyWire

/// `/v2/SafeList/Numbers`: add a number (`PhoneNumber`, E.164), fetch it, remove it.
struct SafeListController: Sendable {
    let safeList: SafeListStore
    let urls: ResourceURLs

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add("/v2/SafeList/Numbers", endpoint: .safeList, post: create)
        routes.add("/v2/SafeList/Numbers/:number", endpoint: .safeList, get: fetch, delete: delete)
    }

    func resource(_ entry: SafeListStore.Entry, _ request: Request) -> SafeListResource {
        SafeListResource(
            sid: entry.sid, phoneNumber: entry.phoneNumber,
            url: "\(urls.base(request))/v2/SafeList/Numbers/\(entry.phoneNumber)")
    }

    @Sendable func create(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let form = try await request.form(context: context)
        guard let number = try form.string("PhoneNumber", required: true) else {
            throw TwilioError.invalidParameter("PhoneNumber", hint: "PhoneNumber is required")
        }
        let entry = try await safeList.add(account: try context.requireAccount(), number: number)
        return try JSONResponse.make(resource(entry, request), status: .created)
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let entry = try await safeList.entry(
            account: try context.requireAccount(), number: context.phoneNumberParameter())
        return try JSONResponse.make(resource(entry, request))
    }

    @Sendable func delete(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        try await safeList.remove(
            account: try context.requireAccount(), number: context.phoneNumberParameter())
        return Response(status: .noContent)
    }
}

extension EmulatorRequestContext {
    /// The `:number` path parameter, percent-decoded (the SDKs send `+` as `%2B`).
    func phoneNumberParameter() -> String {
        let raw = parameters.get("number") ?? ""
        return (try? FormData(parsing: "n=" + raw.replacing("+", with: "%2B")))?["n"] ?? raw
    }
}
