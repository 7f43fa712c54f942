/// A store's "there is no such thing": what was looked for and which, in words
/// (`no service VA… in account AC…`). Stores know nothing of HTTP; ``TwilioErrorMiddleware``,
/// which has the request, answers Twilio's 404 (20404) naming the request's path, with this as
/// the hint the request log and the control API show.
///
/// ```swift
/// guard let record else { throw NotFound("no service \(sid) in account \(account)") }
/// ```
struct NotFound: Error, Sendable, Equatable, CustomStringConvertible {
    var hint: String

    init(_ hint: String) {
        self.hint = hint
    }

    var description: String { hint }
}
