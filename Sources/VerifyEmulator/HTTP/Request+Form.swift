import Hummingbird
import VerifyWire

extension Request {
    /// The form in the body (POST) as Twilio's SDKs send it.
    func form(context: EmulatorRequestContext) async throws -> FormData {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        do {
            return try FormData(parsing: Array(buffer.readableBytesView))
        } catch {
            throw TwilioError.malformedBody(hint: error.description)
        }
    }

    /// The query string as a form.
    func queryForm() throws(TwilioError) -> FormData {
        guard let query = uri.query, !query.isEmpty else { return FormData() }
        do {
            return try FormData(parsing: query)
        } catch {
            throw .malformedBody(hint: "query string: \(error.description)")
        }
    }
}
