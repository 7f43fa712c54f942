import Hummingbird
import NIOCore
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The TLS listener (`--tls-port`): the same router served over TLS as `verify.twilio.com`, run
/// as one of the main application's services, so it starts and stops with it. A port it cannot
/// bind is an error naming that port, not the main one.
struct TLSListener<App: ApplicationProtocol>: Service {
    let application: App
    let address: String

    func run() async throws {
        do {
            try await application.run()
        } catch let error as IOError {
            throw ListenerError(
                description:
                    "cannot listen on \(address) (--tls-port): \(String(cString: strerror(error.errnoCode)).lowercased())"
            )
        }
    }
}

/// A listener that could not start, in one line.
public struct ListenerError: Error, CustomStringConvertible {
    public let description: String
}
