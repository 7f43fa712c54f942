import Crypto
import Hummingbird
import HummingbirdAuth
import Logging
import Mustache
import NIOCore
import VerifyWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Thrown by pages that need a signed-in user; answered with a redirect to the login page.
struct SignInRequired: Error {}

/// Runs before every page: reads the form of a POST, refuses cross-site posts (`Sec-Fetch-Site`)
/// and posts without the session's CSRF token, loads the signed-in account (dropping sessions
/// voided by a password change or a disabled account).rows that a rotation replaced.
struct WebRequestMiddleware: RouterMiddleware {
    typealias Context = AuthRequestContext
    let accounts: AccountStore
    let library: MustacheLibrary

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        var context = context
        if request.method == .post {
            if let site = request.headers[.init("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
                return forbidden("This form was sent from another site, so it was refused.")
            }
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: 64 * 1024)
            } catch {
                return errorPage(status: .contentTooLarge, "Too much data", "The form was too large to accept.")
            }
            guard let form = try? FormData(parsing: Array(body.readableBytesView)) else {
                return errorPage(status: .badRequest, "Bad request", "The form could not be read.")
            }
            context.form = form
            guard let expected = context.sessions.session?.csrfToken, let sent = form["csrf_token"],
                Self.constantTimeEqual(expected, sent)
            else {
                return forbidden(
                    "This form has expired or did not come from this site. Go back, reload the page and try again.")
            }
        }
        if let session = context.sessions.session, let id = session.accountID {
            if let account = try await accounts.find(id: id), !account.isDisabled,
                (session.signedInAt ?? 0) >= account.sessionsValidAfter
            {
                context.account = account
            } else {
                // voided server-side: sign this browser out
                context.sessions.withLockedSession { data in
                    data?.accountID = nil
                    data?.signedInAt = nil
                }
            }
        }
        do {
            return try await next(request, context)
        } catch is SignInRequired {
            return Response(status: .seeOther, headers: [.location: "/login"])
        }
    }

    private func forbidden(_ message: String) -> Response {
        errorPage(status: .forbidden, "Request refused", message)
    }

    private func errorPage(status: HTTPResponse.Status, _ heading: String, _ message: String) -> Response {
        WebApp.html(
            library.render(["heading": heading, "message": message], withTemplate: "error") ?? heading, status: status)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
