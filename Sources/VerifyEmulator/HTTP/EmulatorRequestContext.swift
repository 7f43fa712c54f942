import Hummingbird
import Synchronization
import VerifyWire

/// The request context of the emulator: Hummingbird's core storage plus the account the
/// request authenticated as (set by ``TwilioAuthMiddleware`` on `/v2` paths).
public struct EmulatorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated account; nil outside `/v2` and for a device's call.
    public var account: SID?
    /// The password of a device's `token:<password>` credentials, which only the endpoints a
    /// device may call accept (after checking it); nil otherwise.
    var deviceToken: DeviceToken?
    /// The request's path, set by the first middleware: Hummingbird's `uri.path` builds a new
    /// string on every call, and a Twilio request reads its path half a dozen times.
    var requestPath = "/"
    /// Set by the application from its configuration before routing.
    var bodyLimit: Int = 64 * 1024
    /// The Twilio operation the request was routed to; nil before routing and off `/v2`.
    var endpoint: TwilioEndpoint?
    /// What a handler tells the request log about the request (the number it concerns).
    let notes = RequestNotes()

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { bodyLimit }
}

extension EmulatorRequestContext {
    func requireAccount() throws(TwilioError) -> SID {
        guard let account else {
            throw .authenticationFailed(
                hint: deviceToken == nil
                    ? "no credentials" : "this endpoint takes account credentials, not a device token")
        }
        return account
    }

    /// A SID from the path; a malformed one names no resource, so it is a 404 as on Twilio.
    func pathSID(_ name: String, _ prefix: SID.Prefix, path: String) throws(TwilioError) -> SID {
        guard let text = parameters.get(name), let sid = SID(text, expecting: prefix) else {
            throw .notFound(path, hint: "'\(parameters.get(name) ?? "")' is not a \(prefix.rawValue) SID")
        }
        return sid
    }
}

/// What a handler learned about its request for the request log, which the middleware that
/// records it reads afterwards: the context is a value, so a handler's change to it would not
/// reach the middleware; this reference does.
final class RequestNotes: Sendable {
    private let value = Mutex<String?>(nil)

    /// The recipient (`To`) the request named, as sent, even when it was refused.
    var recipient: String? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
