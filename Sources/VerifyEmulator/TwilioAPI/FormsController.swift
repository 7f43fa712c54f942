import Hummingbird
import VerifyWire

/// `GET /v2/Forms/{FormType}`: the form description of `form-push`, in the spec's shape (as in
/// Twilio's example: the three forms, without their schemas).
struct FormsController: Sendable {
    let urls: ResourceURLs

    func addRoutes(to routes: inout TwilioRoutes) {
        routes.add("/v2/Forms/:type", endpoint: .forms, get: fetch)
    }

    @Sendable func fetch(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        _ = try context.requireAccount()
        let type = context.parameters.get("type") ?? ""
        guard type == "form-push" else {
            throw TwilioError.notFound(context.requestPath, hint: "'\(type)' is not a form type; form-push is")
        }
        return try JSONResponse.make(
            FormResource(
                formType: type, forms: ["create_factor": [:], "verify_factor": [:], "create_challenge": [:]],
                formMeta: [:], url: "\(urls.base(request))/v2/Forms/\(type)"))
    }
}
