// JSONSerialization (the options and the credential are free-form JSON) is in Foundation
import Foundation
import Hummingbird
import VerifyWire

/// `POST /emulator/v1/passkeys/register` and `…/authenticate`: a software authenticator
/// (``HeadlessPasskeys``) that answers Verify's passkey options with the credential JSON a
/// browser would post, ready for `VerifyFactor` or `ApproveChallenge`, so a passkey ceremony
/// and each 603xx refusal can be tested from any language or curl.
///
/// ```
/// POST /emulator/v1/passkeys/register      {"options": <Factor create's options>, "origin": "https://login.example.com"}
/// POST /emulator/v1/passkeys/authenticate  {"options": <Challenge create's options>, "origin": "...", "variant": "bad_signature"}
/// ```
struct HeadlessPasskeysAPI: Sendable {
    let passkeys: HeadlessPasskeys

    static let accepted: AcceptedKeys.Shape = .object(["options": nil, "origin": nil, "variant": nil])

    func addRoutes(to router: Router<EmulatorRequestContext>) {
        router.post("/emulator/v1/passkeys/register") { request, context in
            let (options, origin, variant) = try await Self.read(request, context: context)
            return try await Self.answer {
                try await passkeys.register(options: options, origin: origin, variant: variant)
            }
        }
        router.post("/emulator/v1/passkeys/authenticate") { request, context in
            let (options, origin, variant) = try await Self.read(request, context: context)
            return try await Self.answer {
                try await passkeys.authenticate(options: options, origin: origin, variant: variant)
            }
        }
    }

    /// The body's options, origin and variant, each checked; a problem is a 400 naming it.
    static func read(
        _ request: Request, context: EmulatorRequestContext
    ) async throws -> ([String: Any], String, HeadlessPasskeys.Variant?) {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let data = Data(buffer.readableBytesView)
        guard let json = try? JSONSerialization.jsonObject(with: data.isEmpty ? Data("{}".utf8) : data),
            let body = json as? [String: Any]
        else { throw TwilioError.malformedBody(hint: "control API bodies are JSON objects") }
        if let unknown = AcceptedKeys.unknownKey(in: body, shape: accepted, document: "the body") {
            throw TwilioError.invalidParameter(unknown.path, hint: "\(unknown.path): \(unknown.problem)")
        }
        guard let options = body["options"] as? [String: Any] else {
            throw TwilioError.invalidParameter(
                "options",
                hint: "options must be the JSON object Verify returned as the factor's or challenge's options")
        }
        guard let origin = body["origin"] as? String, let url = URL(string: origin), url.scheme != nil,
            url.host() != nil
        else {
            throw TwilioError.invalidParameter(
                "origin", hint: "origin must be the page's origin, like https://login.example.com")
        }
        var variant: HeadlessPasskeys.Variant?
        if let text = body["variant"] {
            guard let name = text as? String, let known = HeadlessPasskeys.Variant(rawValue: name) else {
                throw TwilioError.invalidParameter(
                    "variant",
                    hint: "variant must be one of "
                        + HeadlessPasskeys.Variant.allCases.map(\.rawValue).joined(separator: ", "))
            }
            variant = known
        }
        return (options, origin, variant)
    }

    /// The credential as JSON, or the authenticator's problem as a Twilio-shaped error.
    static func answer(_ ceremony: () async throws -> [String: Any]) async throws -> Response {
        do {
            let credential = try await ceremony()
            let bytes = try JSONSerialization.data(
                withJSONObject: credential, options: [.sortedKeys, .withoutEscapingSlashes])
            return JSONResponse.make(bytes: Array(bytes))
        } catch let problem as HeadlessPasskeys.Problem {
            if problem.notFound { throw TwilioError.notFound("/emulator/v1/passkeys", hint: problem.reason) }
            throw TwilioError.invalidParameter(problem.field, hint: "\(problem.field): \(problem.reason)")
        }
    }
}
